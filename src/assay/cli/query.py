"""``assay query``: SQL over run directories with DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import typer

QUERY_HELP = (
    "One SQL statement over: attempts (one row per attempt, last record wins), channels (one"
    " row per channel inspection, score = detection/miss/false_alarm/correct_pass against the"
    " hidden tests, hazard_score the same against the hazard truth; tokens, latency_s and"
    " cost_usd of the inspection), passes (one row per agent pass: reads, read_bytes,"
    " writes, tokens, reason), events (every event line; data is JSON, e.g."
    " data->>'channel'), runs. Every table has a run column naming the run directory."
)


def query_cmd(
    sql: str = typer.Argument(..., metavar="SQL", help=QUERY_HELP),
    run: list[Path] = typer.Option(
        [], "--run", help="A run directory (repeatable; default: the current folder)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print rows as a JSON list of objects."),
) -> None:
    """Query run directories with SQL (DuckDB); print a table, or JSON with --json."""
    from assay.errors import require_extra

    require_extra("duckdb", feature="assay query")
    import duckdb

    from assay.errors import InputError
    from assay.query.duckdb import run_query
    from assay.results.runs import load_runs

    runs = load_runs(run or [Path(".")])
    try:
        result = run_query(sql, runs)
    except duckdb.Error as exc:
        raise InputError.single(
            "SQL",
            "",
            str(exc).splitlines()[0],
            "query the tables attempts, channels, passes, events and runs (see assay query --help)",
        ) from None
    if as_json:
        typer.echo(json.dumps(result.records(), indent=2, default=str))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(show_lines=False)
    for column in result.columns:
        table.add_column(column)
    for row in result.rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console(highlight=False).print(table)
    typer.echo(f"{len(result.rows)} row(s)")
