"""``assay status``: progress from the records of a finished run and of a run in progress."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from pathlib import Path
from typing import Any

from assay.results.metrics import arm_metrics
from assay.results.runs import load_run
from tests.conftest import ASSAY, REPO, run_assay
from tests.interop.conftest import ATTEMPTS, in_progress


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` and its sha256: status must leave all of it as it was."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def status_json(run: Path) -> dict[str, Any]:
    done = run_assay("status", str(run), "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_finished_run(finished_run: Path) -> None:
    before = snapshot(finished_run)
    data = status_json(finished_run)
    text = run_assay("status", str(finished_run))
    assert text.returncode == 0, text.stderr
    assert f"{ATTEMPTS}/{ATTEMPTS} done (complete)" in text.stdout
    # Spend is counted as the report counts it (the results layer), never recomputed.
    run = load_run(finished_run)
    arms = arm_metrics(run.records, run.manifest.utility)
    assert data["planned"] == data["done"] == ATTEMPTS
    assert data["complete"] is True and data["remaining"] == 0 and data["eta_s"] == 0
    assert sum(data["outcomes"].values()) == ATTEMPTS
    assert data["outcomes"]["completed"] == sum(a.outcomes.get("completed", 0) for a in arms)
    assert data["tokens"]["prompt"] == sum(a.prompt_tokens for a in arms) > 0
    assert data["tokens"]["completion"] == sum(a.completion_tokens for a in arms) > 0
    assert data["oversight_cost"] == sum(a.oversight_cost for a in arms) > 0
    assert data["cost_usd"] is None  # the scripted model is unpriced: unknown, never 0
    # No claim decided, no look spent: nothing written, no claims/ledger.jsonl appeared.
    assert snapshot(finished_run) == before
    assert not (finished_run / "claims").exists()


def test_run_in_progress(finished_run: Path, tmp_path: Path) -> None:
    keep = 5
    run = in_progress(finished_run, tmp_path / "live", keep)
    before = snapshot(run)
    data = status_json(run)
    records = [json.loads(x) for x in (run / "attempts.jsonl").read_text().split("\n")[:keep]]
    assert data["planned"] == ATTEMPTS and data["done"] == keep
    assert data["remaining"] == ATTEMPTS - keep and data["complete"] is False
    mean = sum(r["duration_s"] for r in records) / keep
    assert abs(data["mean_attempt_s"] - mean) < 1e-9
    # Time left: remaining × mean attempt duration ÷ the manifest's concurrency (3).
    assert abs(data["eta_s"] - (ATTEMPTS - keep) * mean / 3) < 1e-9
    assert data["tokens"]["prompt"] == sum(r["tokens"]["prompt"] for r in records)
    # The cut last line is ignored, not repaired (only the writer holding the lock cuts it).
    assert snapshot(run) == before
    assert not (run / "claims").exists()


def test_watch_follows_a_live_run_to_its_end(finished_run: Path, tmp_path: Path) -> None:
    run = in_progress(finished_run, tmp_path / "live", 4)
    cmd = [*ASSAY, "status", str(run), "--watch", "--every", "0.2"]
    proc = subprocess.Popen(
        cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(2)
        assert proc.poll() is None, proc.communicate()  # an unfinished run keeps it watching
        # The writer finishes the run: the watch sees every attempt recorded and ends.
        (run / "attempts.jsonl").write_bytes((finished_run / "attempts.jsonl").read_bytes())
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill() if proc.poll() is None else None
    assert proc.returncode == 0, err
    assert f"{ATTEMPTS}/{ATTEMPTS} done (complete)" in out


def test_bad_input_exits_2(tmp_path: Path, finished_run: Path) -> None:
    done = run_assay("status", str(tmp_path))
    assert done.returncode == 2
    assert "manifest.sha256" in done.stderr and "Traceback" not in done.stderr
    both = run_assay("status", str(finished_run), "--watch", "--json")
    assert both.returncode == 2 and "--watch" in both.stderr
