"""``assay status``: a live or finished run's progress in the terminal, from its records."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from assay.interop.status import RunStatus


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    s = round(seconds)
    return (
        f"{s // 3600}h{s % 3600 // 60:02d}m{s % 60:02d}s"
        if s >= 3600
        else f"{s // 60}m{s % 60:02d}s"
    )


def render(status: RunStatus) -> Table:
    """The status as a two-column rich table."""
    from rich.table import Table

    table = Table(title=f"{status.name} ({status.run})", show_header=False, title_justify="left")
    table.add_column("what", style="bold")
    table.add_column("value")
    state = "complete" if status.complete else "in progress"
    table.add_row("attempts", f"{status.done}/{status.planned} done ({state})")
    table.add_row("outcomes", " ".join(f"{k}={v}" for k, v in status.outcomes.items()))
    table.add_row(
        "faults",
        f"infrastructure={status.infrastructure_faults} model={status.model_faults}",
    )
    table.add_row("tokens", f"prompt={status.prompt_tokens} completion={status.completion_tokens}")
    money = "unknown (an unpriced model)" if status.cost_usd is None else f"${status.cost_usd:.4f}"
    table.add_row("model cost", money)
    table.add_row("oversight cost", f"{status.oversight_cost:g} (manifest units)")
    table.add_row("elapsed", _clock(status.elapsed_s))
    mean = _clock(status.mean_attempt_s)
    table.add_row("per attempt", f"{mean} mean, {status.concurrency} at a time")
    table.add_row("time left", _clock(status.eta_s))
    return table


def status_cmd(
    run: Path = typer.Argument(..., help="A run directory written by `assay run` (live or not)."),
    watch: bool = typer.Option(
        False, "--watch", help="Refresh until every planned attempt is recorded, or Ctrl-C."
    ),
    every: float = typer.Option(
        2.0, "--every", min=0.2, help="Seconds between refreshes with --watch."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead."),
) -> None:
    """Show a run's progress: done/planned, outcomes, faults, cost so far, time left.

    Reads the records only, without the writer's lock (a run in progress is fine); never
    decides a claim or spends a look. Exit 0; bad input exits 2.
    """
    from rich.console import Console

    from assay.errors import InputError
    from assay.interop.status import read_status

    if watch and as_json:
        raise InputError.single(
            "assay status", "--watch", "--watch redraws a table", "use --json without --watch"
        )
    status = read_status(run)
    if as_json:
        typer.echo(json.dumps(status.as_json(), indent=2, sort_keys=True, allow_nan=False))
        return
    console = Console(highlight=False)
    if not watch:
        console.print(render(status))
        return
    from rich.live import Live

    try:
        with Live(render(status), console=console, auto_refresh=False) as live:
            while not status.complete:
                time.sleep(every)
                status = read_status(run)
                live.update(render(status), refresh=True)
    except KeyboardInterrupt:
        pass  # Ctrl-C ends the watch, not the run it watches
