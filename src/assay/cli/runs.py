"""``assay runs``: the run directories under a folder (read-only)."""

from __future__ import annotations

from pathlib import Path

import typer

from assay.cli.options import RUNS_DIR_ENV

app = typer.Typer(help="The run directories under a folder.", no_args_is_help=True)


@app.command("list")
def list_cmd(
    folder: Path = typer.Argument(
        Path("runs"),
        envvar=RUNS_DIR_ENV,
        help="The folder to search (every run directory under it, at any depth).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the list as one JSON document."),
) -> None:
    """List every run directory under FOLDER: path, experiment, created, attempts, complete.

    Reads only: no lock is taken and nothing is repaired. A folder that cannot be read as a
    run is listed with the problem.
    """
    from dataclasses import asdict

    from assay.cli.options import print_json
    from assay.results.catalog import list_runs

    entries = list_runs(folder)
    if as_json:
        print_json([asdict(e) for e in entries])
        return
    for e in entries:
        if e.problem is not None:
            first = e.problem.splitlines()[0]
            typer.echo(f"{e.path}  unreadable: {first}")
            continue
        state = "complete" if e.complete else "unfinished"
        typer.echo(
            f"{e.path}  {e.experiment}  {e.created or '-'}  {e.recorded}/{e.planned} attempts"
            f"  {state}"
        )
    typer.echo(f"{len(entries)} run(s) under {folder}", err=True)
