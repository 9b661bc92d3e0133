"""Entry point of the ``assay`` command.

Sub-command modules are imported here but import their heavy dependencies inside the
command functions, so ``assay --help`` stays fast.
"""

from __future__ import annotations

import os
import sys

import typer

from assay import __version__
from assay.cli import (
    agents,
    artifacts,
    attempt,
    audit,
    claims,
    export,
    importers,
    judge,
    optimize,
    pool,
    preflight,
    query,
    release,
    report,
    rerank,
    run,
    runs,
    serve,
    stats,
    status,
    sweep,
    tasks,
    verify,
    view,
)
from assay.cli.logs import LogLevel, configure_logging
from assay.errors import EXTRAS, DiskFull, InputError, RunAborted, missing_extra

app = typer.Typer(
    name="assay",
    help="Honest, workflow-aware evaluation of coding agents.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
)
app.add_typer(tasks.app, name="tasks")
app.add_typer(agents.app, name="agents")
app.command("verify")(verify.verify_cmd)
app.add_typer(stats.app, name="stats")
app.add_typer(claims.app, name="claims")
app.command("serve")(serve.serve_cmd)
app.command("preflight")(preflight.preflight_cmd)
app.command("run")(run.run_cmd)
app.command("sweep")(sweep.sweep_cmd)
app.command("attempt")(attempt.attempt_cmd)
app.command("report")(report.report_cmd)
app.add_typer(release.app, name="release")
app.add_typer(artifacts.app, name="artifacts")
app.add_typer(artifacts.manifest_app, name="manifest")
app.add_typer(pool.app, name="pool")
app.command("query")(query.query_cmd)
app.add_typer(importers.app, name="import")
app.command("optimize")(optimize.optimize_cmd)
app.command("rerank")(rerank.rerank_cmd)
app.command("calibrate")(rerank.calibrate_cmd)
app.command("split")(rerank.split_cmd)
app.command("audit")(audit.audit_cmd)
app.command("judge")(judge.judge_cmd)
app.add_typer(runs.app, name="runs")

app.command("status")(status.status_cmd)
app.add_typer(export.app, name="export")
app.command("view")(view.view_cmd)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"assay {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
    log_level: LogLevel = typer.Option(
        LogLevel.warning,
        "--log-level",
        envvar="ASSAY_LOG_LEVEL",
        case_sensitive=False,
        help="Messages of assay's loggers shown on stderr from this level up.",
    ),
) -> None:
    """Honest, workflow-aware evaluation of coding agents."""
    configure_logging(log_level)


def main() -> None:
    """Run the CLI; bad input exits 2 with file, field, problem and fix — never a traceback."""
    try:
        app()  # standalone: usage errors exit 2, typer.Exit codes pass through
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except DiskFull as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(DiskFull.EXIT)
    except ModuleNotFoundError as exc:
        # The last resort behind each command's own require_extra: an optional module
        # imported deeper than a command checked names its extra, never a traceback.
        top = (exc.name or "").split(".", maxsplit=1)[0]
        if top not in EXTRAS:
            raise
        words = [a for a in sys.argv[1:3] if not a.startswith("-")][:1]
        print(f"error: {missing_extra(top, ' '.join(['assay', *words]))}", file=sys.stderr)
        sys.exit(2)
    except RunAborted:
        # Exit now: a normal exit would wait for threads still hung in a model call.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(RunAborted.EXIT)
