"""DuckDB over run directories: ``runs``, ``attempts``, ``channels``, ``passes``, ``events``.

- ``attempts``: one row per attempt (the last record per attempt id wins), flattened, with
  the run's label in ``run`` and the manifest-weighted ``utility``;
- ``channels``: one row per channel inspection, scored against the hidden tests (``score``:
  ``detection``, ``miss``, ``false_alarm``, ``correct_pass``) and against the hazard truth
  (``hazard_score``, null where not adjudicated), with its spend (tokens, latency, dollars);
- ``passes``: one row per pass of an agent (:mod:`assay.results.passes`): reads, bytes
  read, writes, tool and model calls, tokens, elided reads, and why the pass ended;
- ``events``: every complete event line of every attempt (a line cut short by a crash is
  left out, never repaired); ``data`` is a JSON column (``data->>'channel'``);
- ``runs``: one row per run directory.

Times (``started_at``, ``finished_at``) are UTC timestamps.

The query is read-only and sees nothing but these tables: assay reads the run's records
itself and hands them to an in-memory database opened with external access disabled and
its configuration locked, so no statement can read or write a file, attach a database or
load an extension; and only one statement, of type SELECT, is accepted (checked on
DuckDB's own parse, not on the text).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.errors import InputError
from assay.query.rows import attempt_row, channel_rows, pass_rows
from assay.results.runs import RunData

if TYPE_CHECKING:
    import duckdb

_ATTEMPT_KEY: dict[str, str] = {
    "run": "VARCHAR",
    "attempt_id": "VARCHAR",
    "task_id": "VARCHAR",
    "agent_id": "VARCHAR",
    "model": "VARCHAR",
    "condition": "VARCHAR",
    "seed": "INTEGER",
}
"""The columns that identify an attempt (channel rows carry them too, to join on)."""
ATTEMPT_COLUMNS: dict[str, str] = {
    **_ATTEMPT_KEY,
    "outcome": "VARCHAR",
    "success": "BOOLEAN",
    "shipped": "BOOLEAN",
    "shipped_success": "BOOLEAN",
    "undetected_failure_shipped": "BOOLEAN",
    "shipped_hazard": "BOOLEAN",
    "hazards": "JSON",
    "refused_escalations": "INTEGER",
    "rounds": "INTEGER",
    "retries": "INTEGER",
    "escalations": "INTEGER",
    "verdict_passed": "BOOLEAN",
    "public_passed": "INTEGER",
    "public_total": "INTEGER",
    "hidden_passed": "INTEGER",
    "hidden_total": "INTEGER",
    "flaky": "BOOLEAN",
    "isolation": "VARCHAR",
    "oversight_cost": "DOUBLE",
    "retry_cost": "DOUBLE",
    "utility": "DOUBLE",
    "prompt_tokens": "BIGINT",
    "completion_tokens": "BIGINT",
    "cached_tokens": "BIGINT",
    "cost_usd": "DOUBLE",
    "model_calls": "INTEGER",
    "format_errors": "INTEGER",
    "load_act_ratio": "DOUBLE",
    "read_bytes": "BIGINT",
    "elided_reads": "INTEGER",
    "duration_s": "DOUBLE",
    "model_time_s": "DOUBLE",
    "verify_time_s": "DOUBLE",
    "fault": "VARCHAR",
    "events": "VARCHAR",
    "diff": "VARCHAR",
    "started_at": "TIMESTAMP",
    "finished_at": "TIMESTAMP",
    "tool_counts": "JSON",
    "pass_reasons": "JSON",
}
CHANNEL_COLUMNS: dict[str, str] = {
    **_ATTEMPT_KEY,
    "round": "INTEGER",
    "channel": "VARCHAR",
    "flag": "BOOLEAN",
    "truth_failed": "BOOLEAN",
    "score": "VARCHAR",
    "hazards": "JSON",
    "hazard_score": "VARCHAR",
    "escalation": "BOOLEAN",
    "cost": "DOUBLE",
    "latency_s": "DOUBLE",
    "prompt_tokens": "BIGINT",
    "completion_tokens": "BIGINT",
    "cost_usd": "DOUBLE",
    "findings": "JSON",
}
PASS_COLUMNS: dict[str, str] = {
    **_ATTEMPT_KEY,
    "round": "INTEGER",
    "pass": "INTEGER",
    "reads": "INTEGER",
    "read_bytes": "BIGINT",
    "writes": "INTEGER",
    "tool_calls": "INTEGER",
    "model_calls": "INTEGER",
    "prompt_tokens": "BIGINT",
    "completion_tokens": "BIGINT",
    "elided_reads": "INTEGER",
    "reason": "VARCHAR",
}
EVENT_COLUMNS: dict[str, str] = {
    "schema": "VARCHAR",
    "attempt_id": "VARCHAR",
    "seq": "BIGINT",
    "t": "DOUBLE",
    "kind": "VARCHAR",
    "data": "JSON",
}
RUN_COLUMNS: dict[str, str] = {
    "run": "VARCHAR",
    "name": "VARCHAR",
    "manifest_sha256": "VARCHAR",
    "manifest_intact": "BOOLEAN",
    "seeds": "INTEGER",
    "tasks": "INTEGER",
    "attempts": "INTEGER",
    "isolation": "VARCHAR",
}


SETTINGS: dict[str, str | bool] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
"""The database the query runs in: no file, network or extension access, settings locked."""


def _run_rows(runs: Sequence[RunData]) -> list[dict[str, Any]]:
    return [
        {
            "run": run.label,
            "name": run.manifest.name,
            "manifest_sha256": run.recorded_digest,
            "manifest_intact": run.manifest_intact,
            "seeds": run.manifest.seeds,
            "tasks": len(run.task_ids),
            "attempts": len(run.records),
            "isolation": run.isolation,
        }
        for run in runs
    ]


def _structure(cols: dict[str, str]) -> str:
    return json.dumps([cols])


def _fill(
    con: duckdb.DuckDBPyConnection, name: str, cols: dict[str, str], rows: list[dict[str, Any]]
) -> None:
    """Fill table ``name`` from ``rows``, passed as JSON parameters a chunk at a time."""
    structure = _structure(cols)
    for start in range(0, len(rows), CHUNK):
        # Parsed by DuckDB: no file is read, and it is fast. In chunks, because DuckDB holds
        # one JSON value whole while unnesting it: 2,000 rows at once held ~0.4 GB.
        con.execute(
            f"INSERT INTO {name} SELECT unnest(from_json(?::JSON, ?), recursive := true)",
            [json.dumps(rows[start : start + CHUNK]), structure],
        )


def _complete_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The event objects of one file; a cut last line or a corrupt one is left out."""
    try:
        data = path.read_bytes()
    except OSError:
        return
    lines = data.split(b"\n")
    for raw in lines[:-1]:  # the last piece has no newline: complete only if it is empty
        try:
            obj = json.loads(raw)
        except ValueError:
            continue
        if isinstance(obj, dict):
            yield {k: obj.get(k) for k in EVENT_COLUMNS}


def _event_rows(runs: Sequence[RunData]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for run in runs:
        for path in sorted((run.root / "events").glob("*.jsonl")):
            if path.is_file() and not path.is_symlink():
                rows += [{"run": run.label, **e} for e in _complete_lines(path)]
    return rows


COLUMNS: dict[str, dict[str, str]] = {
    "attempts": ATTEMPT_COLUMNS,
    "channels": CHANNEL_COLUMNS,
    "passes": PASS_COLUMNS,
    "runs": RUN_COLUMNS,
    "events": {"run": "VARCHAR", **EVENT_COLUMNS},
}
TABLES = tuple(COLUMNS)
"""Every table a query can read."""
CHUNK = 256
"""Rows per INSERT when a table is filled (bounds DuckDB's memory for the JSON value)."""


def open_database(
    settings: Mapping[str, str | bool] = SETTINGS,
) -> duckdb.DuckDBPyConnection:
    """The in-memory database with every table created, empty (locked by default)."""
    import duckdb

    con = duckdb.connect(":memory:", config=dict(settings))
    for name, cols in COLUMNS.items():
        schema = ", ".join(f'"{k}" {v}' for k, v in cols.items())
        con.execute(f"CREATE TABLE {name} ({schema})")
    return con


def tables_named(con: duckdb.DuckDBPyConnection, sql: str) -> frozenset[str]:
    """The tables of :data:`TABLES` that a checked SELECT names (all if it does not bind).

    Asked of the locked database (binding a statement may touch files; this one cannot),
    after :func:`check_statement`. Only these are filled: ``passes`` and ``events`` read
    every attempt's event file, which a query over ``attempts`` alone never needs.
    """
    import duckdb

    try:
        named = {name.lower() for name in con.get_table_names(sql)}
    except duckdb.Error:
        return frozenset(TABLES)  # the query fails on its own, with DuckDB's message
    return frozenset(t for t in TABLES if t in named)


def fill(
    con: duckdb.DuckDBPyConnection, runs: Sequence[RunData], tables: Iterable[str] = TABLES
) -> None:
    """Fill the named tables of :func:`open_database` from the runs' records."""
    makers: dict[str, Callable[[], list[dict[str, Any]]]] = {
        "attempts": lambda: [attempt_row(run, r) for run in runs for r in run.records],
        "channels": lambda: [c for run in runs for r in run.records for c in channel_rows(run, r)],
        "passes": lambda: [p for run in runs for r in run.records for p in pass_rows(run, r)],
        "runs": lambda: _run_rows(runs),
        "events": lambda: _event_rows(runs),
    }
    for name in tables:
        _fill(con, name, COLUMNS[name], makers[name]())


def connect(
    runs: Sequence[RunData],
    tables: Iterable[str] = TABLES,
    *,
    settings: Mapping[str, str | bool] = SETTINGS,
) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with the tables of the given runs, and nothing else.

    Tables not in ``tables`` exist with their columns but no rows. ``settings`` default to
    :data:`SETTINGS` (no file access: a user's query runs here); ``assay export`` passes its
    own, with file access, for the COPY it writes itself.
    """
    con = open_database(settings)
    fill(con, runs, tables)
    return con


def check_statement(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Accept exactly one SELECT statement, as DuckDB parses it; raise InputError otherwise."""
    import duckdb

    statements = con.extract_statements(sql)
    if len(statements) != 1:
        raise InputError.single(
            "SQL",
            "",
            f"{len(statements)} statements given; a query is exactly one SELECT",
            "send one SELECT statement (no ';'-separated list)",
        )
    kind = statements[0].type
    if kind != duckdb.StatementType.SELECT:
        raise InputError.single(
            "SQL",
            "",
            f"a {kind.name} statement; assay query is read-only and runs SELECT only",
            "write a SELECT (or WITH ... SELECT) over attempts, channels, passes, events and runs",
        )


@dataclass(frozen=True)
class QueryResult:
    """The columns and rows a query returned."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        """Rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def run_query(sql: str, runs: Sequence[RunData]) -> QueryResult:
    """Run one SELECT over the runs.

    Raises InputError for any other statement, or ``duckdb.Error`` if the SELECT fails (a
    file it names cannot be read, among others).
    """
    con = open_database()
    try:
        check_statement(con, sql)
        fill(con, runs, tables_named(con, sql))
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchall() if columns else []
        return QueryResult(columns, rows)
    finally:
        con.close()
