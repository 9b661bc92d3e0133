"""``assay verify``: run the verification gate on a workspace."""

from __future__ import annotations

from pathlib import Path

import typer


def verify_cmd(
    task_dir: Path = typer.Argument(..., help="The task folder (holding task.toml)."),
    workspace: Path = typer.Argument(..., help="The candidate workspace to verify."),
    public_only: bool = typer.Option(False, "--public-only", help="Run only the public tests."),
    repeats: int | None = typer.Option(None, "--repeats", min=1, help="Override task repeats."),
    as_json: bool = typer.Option(False, "--json", help="Print the verdict record as JSON."),
) -> None:
    """Verify WORKSPACE against TASK_DIR. Exit 0 passed, 1 not passed, 2 bad input."""
    from assay.records.canonical import dumps
    from assay.tasks.load import load_task
    from assay.verify.gate import verify

    task = load_task(task_dir)
    verdict = verify(task, workspace, scope="public" if public_only else "all", repeats=repeats)
    if as_json:
        typer.echo(dumps(verdict, indent=2))
    else:
        status = "PASSED" if verdict.passed else "NOT PASSED"
        typer.echo(
            f"{status}  {verdict.task_id}  public {verdict.public.passed}/{verdict.public.total}"
            f"  hidden {verdict.hidden.passed}/{verdict.hidden.total}"
            f"  repeats {verdict.repeats}  {verdict.duration_s:.2f}s"
            f"  isolation {verdict.isolation.level}"
        )
        if verdict.reasons:
            typer.echo("reasons: " + ", ".join(verdict.reasons))
        if verdict.protected_changed:
            typer.echo("protected files changed: " + ", ".join(verdict.protected_changed))
        if verdict.failure_excerpt:
            typer.echo(verdict.failure_excerpt)
    raise typer.Exit(0 if verdict.passed else 1)
