"""``assay view``: browse run directories in a local, read-only web viewer (or export it)."""

from __future__ import annotations

from pathlib import Path

import typer

EXTRA = "view"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _require() -> None:
    """Exit 2 naming the extra when a package the viewer needs is missing."""
    import importlib

    from assay.errors import InputError

    needs = [(m, EXTRA) for m in ("starlette", "uvicorn", "jinja2", "pygments")]
    needs += [("duckdb", "stats"), ("matplotlib", "stats")]
    for module, extra in needs:
        try:
            importlib.import_module(module)
        except ImportError:
            raise InputError.single(
                module,
                "",
                f"the {module} package is not installed (assay view needs it)",
                f"pip install 'assay[{extra}]'",
            ) from None


def view_cmd(
    runs: list[Path] = typer.Argument(
        None,
        metavar="[RUN_DIR ...]",
        help="Run directories, or folders holding them (default: runs/).",
    ),
    port: int = typer.Option(7575, "--port", help="The port to listen on."),
    host: str = typer.Option(
        "127.0.0.1",
        "--host",
        help="The address to bind (loopback by default; anything else serves your runs to"
        " the network).",
    ),
    export: Path | None = typer.Option(
        None,
        "--export",
        help="Write the pages as a static, self-contained bundle into this folder and exit"
        " (open its index.html; no server).",
    ),
) -> None:
    """Browse runs in a local, read-only web viewer (JSON twins of every page under /api).

    Pages: the runs, a run's report and attempts, one attempt's timeline and diff,
    comparisons, and live progress.

    Read-only: it never writes into a run directory and serves nothing outside the folders
    given. Ctrl-C stops it.
    """
    from assay.view.roots import Roots
    from assay.view.site import Site

    _require()
    site = Site(Roots.of(runs or [Path("runs")]))
    if export is not None:
        from assay.view.export import export_site

        written = export_site(site, export)
        typer.echo(f"{export / 'index.html'} ({len(written)} files)")
        return
    import uvicorn

    from assay.view.app import create_app

    hosts = list(LOOPBACK) if host in LOOPBACK else ["*"]
    if host not in LOOPBACK:
        typer.echo(f"warning: serving on {host}: anyone who can reach it can read these runs")
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"assay view: http://{shown}:{port}/ ({len(site.run_ids())} runs)", err=False)
    uvicorn.run(create_app(site, hosts), host=host, port=port, log_level="warning")
