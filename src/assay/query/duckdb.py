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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.errors import InputError
from assay.records.attempt import AttemptRecord
from assay.results.metrics import attempt_values
from assay.results.passes import passes_of
from assay.results.runs import RunData
from assay.results.scoring import channel_score, hazard_score

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


def _attempt_row(run: RunData, r: AttemptRecord) -> dict[str, Any]:
    v = r.verdict
    return {
        **_key(run, r),
        "outcome": r.outcome,
        "success": r.success,
        "shipped": r.shipped,
        "shipped_success": r.shipped_success,
        "undetected_failure_shipped": r.undetected_failure_shipped,
        "shipped_hazard": r.shipped_hazard,
        "hazards": None if r.hazards is None else [h.model_dump() for h in r.hazards],
        "refused_escalations": len(r.refused_escalations),
        "rounds": r.rounds,
        "retries": r.retries,
        "escalations": r.escalations,
        "verdict_passed": None if v is None else v.passed,
        "public_passed": None if v is None else v.public.passed,
        "public_total": None if v is None else v.public.total,
        "hidden_passed": None if v is None else v.hidden.passed,
        "hidden_total": None if v is None else v.hidden.total,
        "flaky": None if v is None else v.flaky,
        "isolation": None if v is None else v.isolation,
        "oversight_cost": r.oversight_cost,
        "retry_cost": r.retry_cost,
        "utility": attempt_values(r, run.manifest.utility)["utility"],
        "prompt_tokens": r.tokens.prompt,
        "completion_tokens": r.tokens.completion,
        "cached_tokens": r.tokens.cached,
        "cost_usd": r.cost_usd,
        "model_calls": r.model_calls,
        "format_errors": r.format_errors,
        "load_act_ratio": r.load_act_ratio,
        "read_bytes": r.read_bytes,
        "elided_reads": r.elided_reads,
        "duration_s": r.duration_s,
        "model_time_s": r.model_time_s,
        "verify_time_s": r.verify_time_s,
        "fault": r.fault,
        "events": r.events,
        "diff": r.diff,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "tool_counts": r.tool_counts,
        "pass_reasons": r.pass_reasons,
    }


def _key(run: RunData, r: AttemptRecord) -> dict[str, Any]:
    return {
        "run": run.label,
        "attempt_id": r.attempt_id,
        "task_id": r.task_id,
        "agent_id": r.agent_id,
        "model": r.model,
        "condition": r.condition,
        "seed": r.seed,
    }


def _channel_rows(run: RunData, r: AttemptRecord) -> list[dict[str, Any]]:
    out = []
    for c in r.channels:
        out.append(
            {
                **_key(run, r),
                "round": c.round,
                "channel": c.channel,
                "flag": c.flag,
                "truth_failed": c.truth_failed,
                "score": channel_score(c),
                "hazards": c.hazards,
                "hazard_score": hazard_score(c),
                "escalation": c.escalation,
                "cost": c.cost,
                "latency_s": c.latency_s,
                "prompt_tokens": None if c.tokens is None else c.tokens.prompt,
                "completion_tokens": None if c.tokens is None else c.tokens.completion,
                "cost_usd": c.cost_usd,
                "findings": c.findings,
            }
        )
    return out


def _pass_rows(run: RunData, r: AttemptRecord) -> list[dict[str, Any]]:
    return [
        {
            **_key(run, r),
            "round": p.round,
            "pass": p.pass_,
            "reads": p.reads,
            "read_bytes": p.read_bytes,
            "writes": p.writes,
            "tool_calls": p.tool_calls,
            "model_calls": p.model_calls,
            "prompt_tokens": p.prompt_tokens,
            "completion_tokens": p.completion_tokens,
            "elided_reads": p.elided_reads,
            "reason": p.reason,
        }
        for p in passes_of(r, run.root)
    ]


SETTINGS: dict[str, str | bool] = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
"""The database the query runs in: no file, network or extension access, settings locked."""


def _structure(cols: dict[str, str]) -> str:
    return json.dumps([cols])


def _table(
    con: duckdb.DuckDBPyConnection, name: str, cols: dict[str, str], rows: list[dict[str, Any]]
) -> None:
    """Create table ``name`` and fill it from ``rows``, passed as one JSON parameter."""
    schema = ", ".join(f'"{k}" {v}' for k, v in cols.items())
    con.execute(f"CREATE TABLE {name} ({schema})")
    if rows:
        # One parameter, parsed by DuckDB: no file is read, and it is fast (100k rows/s).
        con.execute(
            f"INSERT INTO {name} SELECT unnest(from_json(?::JSON, ?), recursive := true)",
            [json.dumps(rows), _structure(cols)],
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


def connect(runs: Sequence[RunData]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with the tables of the given runs, and nothing else."""
    import duckdb

    con = duckdb.connect(":memory:", config=dict(SETTINGS))
    attempts = [_attempt_row(run, r) for run in runs for r in run.records]
    channels = [c for run in runs for r in run.records for c in _channel_rows(run, r)]
    passes = [p for run in runs for r in run.records for p in _pass_rows(run, r)]
    meta = [
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
    _table(con, "attempts", ATTEMPT_COLUMNS, attempts)
    _table(con, "channels", CHANNEL_COLUMNS, channels)
    _table(con, "passes", PASS_COLUMNS, passes)
    _table(con, "runs", RUN_COLUMNS, meta)
    _table(con, "events", {"run": "VARCHAR", **EVENT_COLUMNS}, _event_rows(runs))
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
    con = connect(runs)
    try:
        check_statement(con, sql)
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchall() if columns else []
        return QueryResult(columns, rows)
    finally:
        con.close()


def connect_attempts(runs: Sequence[RunData]) -> duckdb.DuckDBPyConnection:
    """An in-memory database holding only the ``attempts`` table of the given runs.

    For callers that page and filter attempt lists (the viewer): the other tables, events
    above all, are not read.
    """
    import duckdb

    con = duckdb.connect(":memory:", config=dict(SETTINGS))
    _table(con, "attempts", ATTEMPT_COLUMNS, [_attempt_row(r, a) for r in runs for a in r.records])
    return con
