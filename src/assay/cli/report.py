"""``assay report``: write the report of one or more run directories."""

from __future__ import annotations

from pathlib import Path

import typer


def report_cmd(
    runs: list[Path] = typer.Argument(
        ..., help="Run directories written by `assay run` (several: compared side by side)."
    ),
    out: Path | None = typer.Option(
        None, "--out", help="Report folder (default: RUN/report of the first run)."
    ),
    interim: bool = typer.Option(
        False,
        "--interim",
        help="Decide the claims of an unfinished run on the attempts recorded: an interim look,"
        " recorded and counted against planned_looks. Without it an unfinished run's claims"
        " are shown as run_unfinished, with no statistic and no look spent.",
    ),
) -> None:
    """Regenerate report.md, a self-contained report.html and PNG plots from run directories.

    Reads nothing but the run directories. Deciding the pre-registered claims of a finished
    run is a look, recorded in each run's claims/ledger.jsonl; an unfinished run's claims are
    not decided unless --interim. Prints the report folder.
    """
    from assay.cli.options import output_folder
    from assay.report.build import write_report

    files = write_report(runs, output_folder(out or runs[0] / "report", "--out"), interim=interim)
    typer.echo(str(files.folder / files.markdown))
    typer.echo(str(files.folder / files.html))
