"""``assay report``: write the report of one or more run directories."""

from __future__ import annotations

from pathlib import Path

import typer


def report_cmd(
    runs: list[Path] = typer.Argument(
        None,
        help="Run directories written by `assay run` (several: compared side by side), and/or"
        " optimization folders written by `assay optimize` (one section each).",
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Report folder (default: RUN/report of the first run; with --rerank alone, the"
        " folder POOL.report beside the first pool).",
    ),
    rerank: list[Path] = typer.Option(
        [],
        "--rerank",
        help="Add a reranking section from a pool folder's rerank records (assay rerank,"
        " assay calibrate), or a folder of such records; repeatable.",
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

    An optimization folder (``assay optimize --out``) given among them adds its section:
    objective over iterations with intervals (table and plot), outcomes, the held-out result;
    alone, ``assay report OPT_DIR`` writes OPT_DIR/report/.

    Reads nothing but the run directories (and, with --rerank, the rerank records). Deciding
    the pre-registered claims of a finished run is a look, recorded in each run's
    claims/ledger.jsonl; an unfinished run's claims are not decided unless --interim. Prints
    the report folder.
    """
    from assay.cli.options import output_folder
    from assay.errors import InputError
    from assay.report.build import write_report
    from assay.report.optimization import is_optimization

    given = runs or []
    if not given and not rerank:
        raise InputError.single(
            "assay report", "RUNS", "nothing to report on", "give run directories or --rerank POOL"
        )
    optimizations = [p for p in given if is_optimization(p)]
    runs = [p for p in given if not is_optimization(p)]
    # Beside the pool, never in it or in its records folder: both keep verifying.
    first = rerank[0] if rerank else None
    default = (
        given[0] / "report" if given or first is None else first.parent / f"{first.name}.report"
    )
    files = write_report(
        runs,
        output_folder(out or default, "--out"),
        interim=interim,
        rerank=rerank,
        optimizations=optimizations,
    )
    typer.echo(str(files.folder / files.markdown))
    typer.echo(str(files.folder / files.html))
