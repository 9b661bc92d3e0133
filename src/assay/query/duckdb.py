"""DuckDB over run directories: tables ``runs``, ``attempts``, ``channels`` and view ``events``.

- ``attempts``: one row per attempt (the last record per attempt id wins), flattened, with
  the run's label in ``run`` and the manifest-weighted ``utility``;
- ``channels``: one row per channel inspection, scored against the hidden truth
  (``detection``, ``miss``, ``false_alarm``, ``correct_pass``);
- ``events``: every event line of every attempt, read lazily from ``events/*.jsonl`` (a
  huge log is streamed by DuckDB, not loaded into Python); ``data`` is a JSON column
  (``data->>'channel'``);
- ``runs``: one row per run directory.

Times (``started_at``, ``finished_at``) are UTC timestamps.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.records.attempt import AttemptRecord
from assay.results.metrics import attempt_values
from assay.results.runs import RunData
from assay.results.scoring import channel_score

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
    "undetected_failure_shipped": "BOOLEAN",
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
    "escalation": "BOOLEAN",
    "cost": "DOUBLE",
    "findings": "JSON",
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
        "run": run.label,
        "attempt_id": r.attempt_id,
        "task_id": r.task_id,
        "agent_id": r.agent_id,
        "model": r.model,
        "condition": r.condition,
        "seed": r.seed,
        "outcome": r.outcome,
        "success": r.success,
        "shipped": r.shipped,
        "undetected_failure_shipped": r.undetected_failure_shipped,
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


def _channel_rows(run: RunData, r: AttemptRecord) -> list[dict[str, Any]]:
    out = []
    for c in r.channels:
        out.append(
            {
                "run": run.label,
                "attempt_id": r.attempt_id,
                "task_id": r.task_id,
                "agent_id": r.agent_id,
                "model": r.model,
                "condition": r.condition,
                "seed": r.seed,
                "round": c.round,
                "channel": c.channel,
                "flag": c.flag,
                "truth_failed": c.truth_failed,
                "score": channel_score(c),
                "escalation": c.escalation,
                "cost": c.cost,
                "findings": c.findings,
            }
        )
    return out


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _columns(cols: dict[str, str]) -> str:
    return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in cols.items()) + "}"


def _table(
    con: duckdb.DuckDBPyConnection,
    name: str,
    cols: dict[str, str],
    rows: list[dict[str, Any]],
    tmp: Path,
) -> None:
    schema = ", ".join(f'"{k}" {v}' for k, v in cols.items())
    con.execute(f"CREATE TABLE {name} ({schema})")
    if not rows:
        return
    file = tmp / f"{name}.jsonl"
    with file.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row) + "\n")
    con.execute(
        f"INSERT INTO {name} SELECT * FROM read_json({_literal(str(file))},"
        f" format='newline_delimited', columns={_columns(cols)})"
    )


def _events_view(con: duckdb.DuckDBPyConnection, runs: Sequence[RunData]) -> None:
    parts = []
    for run in runs:
        files = sorted(str(p) for p in (run.root / "events").glob("*.jsonl") if p.is_file())
        if files:
            listing = "[" + ", ".join(_literal(f) for f in files) + "]"
            parts.append(
                f"SELECT {_literal(run.label)} AS run, * FROM read_json({listing},"
                f" format='newline_delimited', columns={_columns(EVENT_COLUMNS)})"
            )
    if parts:
        con.execute("CREATE VIEW events AS " + " UNION ALL ".join(parts))
    else:
        schema = ", ".join(f'"{k}" {v}' for k, v in {"run": "VARCHAR", **EVENT_COLUMNS}.items())
        con.execute(f"CREATE TABLE events ({schema})")


def connect(runs: Sequence[RunData]) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB database with the tables and view of the given runs."""
    import duckdb

    con = duckdb.connect(":memory:")
    attempts = [_attempt_row(run, r) for run in runs for r in run.records]
    channels = [c for run in runs for r in run.records for c in _channel_rows(run, r)]
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
    with tempfile.TemporaryDirectory(prefix="assay-query-") as tmp:
        _table(con, "attempts", ATTEMPT_COLUMNS, attempts, Path(tmp))
        _table(con, "channels", CHANNEL_COLUMNS, channels, Path(tmp))
        _table(con, "runs", RUN_COLUMNS, meta, Path(tmp))
    _events_view(con, runs)
    return con


@dataclass(frozen=True)
class QueryResult:
    """The columns and rows a query returned."""

    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        """Rows as dictionaries keyed by column name."""
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def run_query(sql: str, runs: Sequence[RunData]) -> QueryResult:
    """Run one SQL statement over the runs; raise ``duckdb.Error`` if it fails."""
    con = connect(runs)
    try:
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description or []]
        rows = cur.fetchall() if columns else []
        return QueryResult(columns, rows)
    finally:
        con.close()
