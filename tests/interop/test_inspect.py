"""``assay export inspect``: Inspect's own tools read the logs and agree with assay's numbers."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from assay.results.metrics import arm_metrics
from assay.results.runs import load_run
from tests.conftest import REPO, run_assay
from tests.interop.conftest import SEEDS, TASKS
from tests.interop.inspect_env import export_inspect, read_logs, run_in_inspect
from tests.support.rundir import CLAIM_IDS


def success_by_condition(run: Path) -> dict[str, float | None]:
    """The success rate per condition as the report computes it (mean over tasks)."""
    data = load_run(run)
    return {a.condition: a.estimate("success").mean for a in arm_metrics(data.records)}


def accuracy(log: dict[str, Any]) -> float:
    (score,) = log["scores"]
    assert score["name"] == "hidden_verdict"
    value: float = score["metrics"]["accuracy"]
    return value


def test_inspect_log_list_lists_every_arm(inspect_logs: Path) -> None:
    files = sorted(str(f) for f in inspect_logs.glob("*.eval"))
    assert len(files) == 3  # one per arm: loop × {solo, auto, escalate}
    args = ["log", "list", "--log-dir", str(inspect_logs), "--absolute", "--status", "success"]
    done = run_in_inspect("inspect", *args)
    assert done.returncode == 0, done.stderr
    assert sorted(line.strip() for line in done.stdout.splitlines() if line.strip()) == files


def test_accuracy_equals_success_rate(inspect_logs: Path, finished_run: Path) -> None:
    expected = success_by_condition(finished_run)
    assert len(set(expected.values())) > 1  # the conditions differ: the check can fail
    records = [json.loads(x) for x in (finished_run / "attempts.jsonl").read_text().splitlines()]
    logs = read_logs(inspect_logs)
    assert sorted(log["task_args"]["condition"] for log in logs) == sorted(expected)
    for log in logs:
        condition = log["task_args"]["condition"]
        assert accuracy(log) == expected[condition]
        assert log["epochs"] == SEEDS and len(log["samples"]) == len(TASKS) * SEEDS
        for s in log["samples"]:
            (r,) = [
                r
                for r in records
                if (r["task_id"], r["condition"], r["seed"]) == (s["id"], condition, s["epoch"])
            ]
            assert s["score"] == ("C" if r["success"] else "I")
            assert s["metadata"]["attempt_id"] == r["attempt_id"]
            assert s["metadata"]["channels"] == r["channels"]
    # The transcript is rebuilt from the events: every tool output, every model call.
    sample = logs[0]["samples"][0]
    path = finished_run / sample["metadata"]["events_file"]
    events = [json.loads(x) for x in path.read_text().splitlines()]
    tools = [e["data"] for e in events if e["kind"] == "tool_call"]
    calls = [e for e in events if e["kind"] == "model_call"]
    messages = sample["messages"]
    assert messages[0]["role"] == "system"
    assert [m["text"] for m in messages if m["role"] == "tool"] == [t["output"] for t in tools]
    assistants = [m for m in messages if m["role"] == "assistant"]
    assert len(assistants) == len(calls) > 0
    assert [c for m in assistants for c in m["calls"]] == [t["tool"] for t in tools]
    # The run directory stays the authority, and exporting decided no claim.
    digest = (finished_run / "manifest.sha256").read_text().strip()
    for log in logs:
        meta = log["metadata"]
        assert "stays the authority" in meta["authority"] and meta["manifest_sha256"] == digest
        assert [c["id"] for c in meta["claims"]["preregistered"]] == CLAIM_IDS
        assert meta["claims"]["looks_recorded"] == []
    assert not (finished_run / "claims").exists()


def test_unfinished_run_uneven_seeds(finished_run: Path, tmp_path: Path) -> None:
    # Mid-run: window-sums has only its first seed recorded, lru-cache both.
    live = tmp_path / "live"
    shutil.copytree(finished_run, live)
    lines = (finished_run / "attempts.jsonl").read_text().splitlines(keepends=True)
    kept = [x for x in lines if not ('"window-sums"' in x and '"seed":2' in x.replace(" ", ""))]
    assert len(kept) == len(lines) - 3
    (live / "attempts.jsonl").write_text("".join(kept))
    done = export_inspect(live, tmp_path / "logs")
    assert done.returncode == 0, done.stderr
    expected = success_by_condition(live)
    pooled = {a.condition: a.successes / a.attempts for a in arm_metrics(load_run(live).records)}
    # Seeds averaged within a task first (not pooled): the two differ in some condition here,
    # so the check tells them apart.
    assert any(pooled[c] != expected[c] for c in expected)
    logs = read_logs(tmp_path / "logs")
    assert len(logs) == 3
    for log in logs:
        assert log["status"] == "cancelled"
        assert accuracy(log) == expected[log["task_args"]["condition"]]


# The CLI with duckdb made unimportable, as in an install without the stats extra.
BLOCKED = (
    "import sys; sys.modules['duckdb'] = None;"
    " from assay.cli.app import main; sys.argv = ['assay', *sys.argv[1:]]; main()"
)


def test_missing_extras_exit_2(finished_run: Path, tmp_path: Path) -> None:
    # The main venv has no inspect_ai (it lives in .venv-inspect): the real CLI says so.
    done = run_assay("export", "inspect", str(finished_run), "--out", str(tmp_path / "o"))
    assert done.returncode == 2, done.stderr
    assert "pip install 'assay[inspect]'" in done.stderr and "Traceback" not in done.stderr
    args = ["parquet", str(finished_run), "--out", str(tmp_path / "a.parquet")]
    done = subprocess.run(
        [sys.executable, "-c", BLOCKED, "export", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'assay[stats]'" in done.stderr and "Traceback" not in done.stderr
