"""``assay query``: SQL over real run directories (attempts, channels, events, runs)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_assay
from tests.support.rundir import CONDITIONS, TASKS, copy_run, make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("query"))


def query(sql: str, *runs: Path) -> list[dict[str, Any]]:
    args = [a for r in runs for a in ("--run", str(r))]
    done = run_assay("query", sql, *args, "--json")
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def records(run: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (run / "attempts.jsonl").read_text().splitlines()]


def test_attempts_counts_per_condition(run: Path) -> None:
    rows = query(
        "SELECT condition, count(*) AS n, sum(success::INT) AS wins FROM attempts"
        " GROUP BY condition ORDER BY condition",
        run,
    )
    assert [r["condition"] for r in rows] == sorted(CONDITIONS)
    assert all(r["n"] == len(TASKS) for r in rows)
    expected = {
        c: sum(r["success"] for r in records(run) if r["condition"] == c) for c in CONDITIONS
    }
    assert {r["condition"]: r["wins"] for r in rows} == expected


def test_events_and_channels_match_the_files(run: Path) -> None:
    lines = sum(len(p.read_text().splitlines()) for p in (run / "events").glob("*.jsonl"))
    (total,) = query("SELECT count(*) AS n FROM events", run)
    assert total["n"] == lines
    starts = query(
        "SELECT count(DISTINCT attempt_id) AS n FROM events WHERE kind = 'attempt_start'", run
    )
    assert starts[0]["n"] == len(TASKS) * len(CONDITIONS)
    inspections = sum(len(r["channels"]) for r in records(run))
    (ch,) = query("SELECT count(*) AS n, count(*) FILTER (WHERE flag) AS flags FROM channels", run)
    assert ch["n"] == inspections
    assert ch["flags"] == sum(c["flag"] for r in records(run) for c in r["channels"])
    interrupts = query(
        "SELECT count(*) AS n FROM events WHERE kind = 'interrupt' AND data->>'channel' IS NOT NULL",
        run,
    )
    assert interrupts[0]["n"] == ch["flags"]


def test_the_last_record_per_attempt_wins(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "rewritten")
    first = records(copy)[0]
    with (copy / "attempts.jsonl").open("a") as fh:
        fh.write(json.dumps({**first, "outcome": "interrupted", "success": False}) + "\n")
    rows = query(
        f"SELECT outcome, success FROM attempts WHERE attempt_id = '{first['attempt_id']}'", copy
    )
    assert rows == [{"outcome": "interrupted", "success": False}]
    (n,) = query("SELECT count(*) AS n FROM attempts", copy)
    assert n["n"] == len(TASKS) * len(CONDITIONS)


def test_several_runs_carry_their_label(run: Path, tmp_path: Path) -> None:
    other = copy_run(run, tmp_path / "other")
    rows = query("SELECT run, count(*) AS n FROM attempts GROUP BY run ORDER BY run", run, other)
    assert rows == [
        {"run": "other", "n": len(TASKS) * len(CONDITIONS)},
        {"run": "run", "n": len(TASKS) * len(CONDITIONS)},
    ]
    meta = query("SELECT run, tasks, manifest_intact FROM runs ORDER BY run", run, other)
    assert [(m["tasks"], m["manifest_intact"]) for m in meta] == [(len(TASKS), True)] * 2


def test_table_output_and_bad_sql(run: Path) -> None:
    done = run_assay("query", "SELECT task_id FROM attempts ORDER BY 1 LIMIT 2", "--run", str(run))
    assert done.returncode == 0, done.stderr
    assert "task_id" in done.stdout and "2 row(s)" in done.stdout
    bad = run_assay("query", "SELECT nope FROM attempts", "--run", str(run))
    assert bad.returncode == 2
    assert "nope" in bad.stderr and "Traceback" not in bad.stderr
    cwd = run_assay("query", "SELECT count(*) AS n FROM attempts", "--json", cwd=run)
    assert cwd.returncode == 0 and json.loads(cwd.stdout) == [{"n": len(TASKS) * len(CONDITIONS)}]
