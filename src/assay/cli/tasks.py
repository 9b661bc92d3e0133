"""``assay tasks``: list and check suites of tasks."""

from __future__ import annotations

import json
from typing import Any

import typer

app = typer.Typer(help="List and check task suites.", no_args_is_help=True)

SUITE_HELP = "A bundled suite name (e.g. 'repair') or a folder of task folders."


@app.command("list")
def list_cmd(
    suite: str = typer.Argument(..., help=SUITE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the tasks of a suite."""
    from assay.tasks.suite import load_suite

    tasks = load_suite(suite)
    rows: list[dict[str, Any]] = [
        {
            "id": t.id,
            "title": t.spec.title,
            "tags": t.spec.tags,
            "public_tests": list(t.public_tests),
            "hidden_tests": list(t.hidden_tests),
            "hazards": [h.id for h in t.spec.hazards],
            "repeats": t.spec.verify.repeats,
        }
        for t in tasks
    ]
    if as_json:
        typer.echo(json.dumps(rows, indent=2, sort_keys=True))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} tasks")
    for col in ("id", "title", "tags", "hazards"):
        table.add_column(col)
    for r in rows:
        table.add_row(r["id"], r["title"], ", ".join(r["tags"]), ", ".join(r["hazards"]))
    Console().print(table)


@app.command("check")
def check_cmd(
    suite: str = typer.Argument(..., help=SUITE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print JSON results."),
) -> None:
    """Check every task: the reference passes on every repeat; the untouched workspace fails.

    A task declared ``unsatisfiable`` must have a failing reference instead.
    """
    from assay.tasks.suite import load_suite
    from assay.verify.suite_check import check_suite

    results = check_suite(load_suite(suite))
    if as_json:
        typer.echo(json.dumps([r.as_dict() for r in results], indent=2, sort_keys=True))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title="task check")
        for col in ("task", "reference", "untouched workspace", "seconds", "problem"):
            table.add_column(col)
        for r in results:
            table.add_row(
                r.task_id,
                ("passes" if r.reference_passed else "FAILS")
                + (" (declared unsatisfiable)" if r.unsatisfiable else ""),
                "fails" if not r.workspace_passed else "ALREADY PASSES",
                f"{r.seconds:.2f}",
                r.problem,
            )
        Console().print(table)
        bad = sum(not r.ok for r in results)
        typer.echo(f"{len(results) - bad}/{len(results)} tasks ok")
    raise typer.Exit(0 if all(r.ok for r in results) else 1)
