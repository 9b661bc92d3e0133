"""``assay audit SUITE``: how strong each task's tests are (printing only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assay.records.task_audit import SuiteAudit


def audit_cmd(
    suite: str = typer.Argument(..., metavar="SUITE", help="A bundled suite name or a folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the assay.audit.v1 record."),
    min_kill: float | None = typer.Option(
        None, "--min-kill", help="Flag (exit 1) a task whose hidden-test kill rate is below this."
    ),
    repeats: int = typer.Option(
        3, "--repeats", help="Verifications of the reference and of the workspace (1-20)."
    ),
    max_mutants: int | None = typer.Option(
        None, "--max-mutants", help="At most this many mutants per task (default: all)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Also write audit.json and audit.md into this folder."
    ),
) -> None:
    """Audit a suite's tasks: kill rates, flakiness, solvability, leakage, cost.

    Exit 1 when a task is flagged, 2 on bad input.
    """
    from assay.errors import InputError

    if min_kill is not None and not 0.0 <= min_kill <= 1.0:
        raise InputError.single(
            "command line", "--min-kill", f"{min_kill} is not a share", "use 0 to 1"
        )
    if not 1 <= repeats <= 20:
        raise InputError.single(
            "command line", "--repeats", f"{repeats} is out of range", "use 1 to 20"
        )
    if max_mutants is not None and max_mutants < 0:
        raise InputError.single(
            "command line", "--max-mutants", f"{max_mutants} is negative", "use 0 or more"
        )
    if out is not None:
        from assay.cli.options import output_folder

        output_folder(out, "--out")

    from assay.audit.markdown import audit_markdown
    from assay.audit.run import audit_suite
    from assay.records.canonical import dumps

    audit = audit_suite(suite, repeats=repeats, max_mutants=max_mutants, min_kill=min_kill)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "audit.json").write_text(dumps(audit, indent=2) + "\n", encoding="utf-8")
        (out / "audit.md").write_text(audit_markdown(audit), encoding="utf-8")
    if as_json:
        typer.echo(dumps(audit, indent=2))
    else:
        _table(audit)
    raise typer.Exit(1 if any(t.flagged for t in audit.tasks) else 0)


def _table(audit: SuiteAudit) -> None:
    from rich.console import Console
    from rich.table import Table

    from assay.audit.markdown import COLUMNS, row

    table = Table(title=f"audit: {audit.suite} ({audit.wall_s:.1f} s)", title_justify="left")
    for col in COLUMNS:
        table.add_column(col)
    for t in audit.tasks:
        table.add_row(*row(t))
    console = Console(highlight=False)
    if not console.is_terminal:  # piped or captured: no 80-column squeeze of the task names
        console.width = 160
    console.print(table)
