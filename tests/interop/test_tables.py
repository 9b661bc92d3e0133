"""``assay export parquet|csv`` and ``assay export swebench-preds`` on a real run."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb

from tests.conftest import run_assay
from tests.interop.conftest import ATTEMPTS, SEEDS, TASKS, in_progress

ARMS = ["loop/solo", "loop/auto", "loop/escalate"]


def test_parquet_has_the_query_attempts_rows(finished_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "attempts.parquet"
    done = run_assay("export", "parquet", str(finished_run), "--out", str(out), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"file": str(out), "rows": ATTEMPTS, "table": "attempts"}
    q = "SELECT attempt_id, success, condition, seed, prompt_tokens FROM attempts ORDER BY 1"
    queried = run_assay("query", q, "--run", str(finished_run), "--json")
    assert queried.returncode == 0, queried.stderr
    rows = duckdb.sql(q.replace("FROM attempts", f"FROM '{out}'")).fetchall()
    assert [list(r) for r in rows] == [list(r.values()) for r in json.loads(queried.stdout)]
    columns = [d[0] for d in duckdb.sql(f"SELECT * FROM '{out}' LIMIT 0").description]
    assert columns[:7] == ["run", "attempt_id", "task_id", "agent_id", "model", "condition", "seed"]


def test_csv_events_has_every_event_line(finished_run: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.csv"
    done = run_assay("export", "csv", str(finished_run), "--out", str(out), "--table", "events")
    assert done.returncode == 0, done.stderr
    lines = sum(len(p.read_text().splitlines()) for p in (finished_run / "events").glob("*.jsonl"))
    with out.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == lines and f"{lines} row(s) of events" in done.stdout
    assert {r["kind"] for r in rows} >= {"attempt_start", "model_call", "tool_call", "attempt_end"}


def test_tables_bad_input(finished_run: Path, tmp_path: Path) -> None:
    table = run_assay(
        "export", "csv", str(finished_run), "--out", str(tmp_path / "x.csv"), "--table", "secrets"
    )
    assert table.returncode == 2 and "--table" in table.stderr and "attempts" in table.stderr
    folder = run_assay("export", "parquet", str(finished_run), "--out", str(tmp_path))
    assert folder.returncode == 2 and "is a folder" in folder.stderr
    for err in (table.stderr, folder.stderr):
        assert "Traceback" not in err


def test_swebench_one_file_per_arm(finished_run: Path, tmp_path: Path) -> None:
    done = run_assay(
        "export", "swebench-preds", str(finished_run), "--out", str(tmp_path / "p"), "--json"
    )
    assert done.returncode == 0, done.stderr
    written = json.loads(done.stdout)["written"]
    assert [w["arm"] for w in written] == ARMS
    records = [json.loads(x) for x in (finished_run / "attempts.jsonl").read_text().splitlines()]
    for w in written:
        lines = [json.loads(x) for x in Path(w["file"]).read_text().splitlines()]
        assert sorted(x["instance_id"] for x in lines) == sorted(TASKS) and w["missing"] == []
        agent, condition = w["arm"].split("/")
        for line in lines:
            (r,) = [
                r
                for r in records
                if (r["task_id"], r["agent_id"], r["condition"], r["seed"])
                == (line["instance_id"], agent, condition, 1)
            ]
            assert line["model_patch"] == (finished_run / r["diff"]).read_text()
            assert line["model_name_or_path"] == f"{w['arm']}/scripted:builtin:repair-demo"
            assert set(line) == {"instance_id", "model_name_or_path", "model_patch"}


def test_swebench_arm_and_seed(finished_run: Path, tmp_path: Path) -> None:
    live = in_progress(finished_run, tmp_path / "live", 3)
    out = tmp_path / "solo.jsonl"
    done = run_assay(
        "export",
        "swebench-preds",
        str(live),
        "--out",
        str(out),
        "--arm",
        "loop/solo",
        "--seed",
        str(SEEDS),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    (w,) = json.loads(done.stdout)["written"]
    have = [json.loads(x)["instance_id"] for x in out.read_text().splitlines()]
    # A task without a recorded attempt of that arm and seed is left out, and named.
    assert sorted(have + w["missing"]) == sorted(TASKS) and w["lines"] == len(have)
    bad = run_assay(
        "export",
        "swebench-preds",
        str(finished_run),
        "--out",
        str(out),
        "--arm",
        "loop/solo",
        "--seed",
        "9",
    )
    assert bad.returncode == 2 and "--seed" in bad.stderr and "Traceback" not in bad.stderr
