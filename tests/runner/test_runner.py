"""The experiment runner: records validate, runs resume after SIGKILL with nothing lost or doubled."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assay.store.rundir import RunDir
from tests.conftest import REPO, run_assay
from tests.support.rundir import check_run_dir, manifest_text


def write_manifest(tmp_path: Path, tasks: list[str], seeds: int = 1) -> Path:
    path = tmp_path / "m.toml"
    path.write_text(manifest_text(tasks, seeds=seeds))
    return path


def test_run_records_validate_and_channels_are_scored(tmp_path):
    tasks = ["window-sums"]
    done = run_assay(
        "run", str(write_manifest(tmp_path, tasks)), "--out", str(tmp_path / "r"), "--quiet"
    )
    assert done.returncode == 0, done.stderr
    records = check_run_dir(tmp_path / "r", 3)
    by_cond = {r.condition: r for r in records}
    assert by_cond["solo"].channels == [] and by_cond["solo"].oversight_cost == 0
    esc = by_cond["escalate"]
    assert esc.escalations >= 1 and any(c.channel == "review" for c in esc.channels)
    assert esc.oversight_cost == pytest.approx(sum(c.cost for c in esc.channels))
    for r in records:
        assert r.success == (r.verdict is not None and r.verdict.passed)
        assert r.undetected_failure_shipped == (r.shipped and not r.success)
    env = json.loads((tmp_path / "r" / "environment.json").read_text())
    assert env["isolation"]["level"] in {"bwrap", "process"}
    summary = (tmp_path / "r" / "summary.csv").read_text().splitlines()
    assert len(summary) == 4 and summary[0].startswith("attempt_id,")


def test_resume_with_changed_manifest_is_refused(tmp_path):
    m = write_manifest(tmp_path, ["window-sums"])
    assert run_assay("run", str(m), "--out", str(tmp_path / "r"), "--quiet").returncode == 0
    m.write_text(m.read_text().replace("seeds = 1", "seeds = 2"))
    done = run_assay("run", str(m), "--resume", str(tmp_path / "r"), "--quiet")
    assert done.returncode == 2
    assert "manifest_changed" in done.stderr
    again = run_assay("run", "--resume", str(tmp_path / "r"), "--quiet")
    assert again.returncode == 0  # the stored manifest resumes: nothing left to do
    check_run_dir(tmp_path / "r", 3)


def test_bad_manifest_names_file_key_and_fix(tmp_path):
    m = write_manifest(tmp_path, ["window-sums"])
    m.write_text(m.read_text().replace('escalate_when = ["hazard"', 'escalate_when = ["hunch"'))
    done = run_assay("run", str(m), "--out", str(tmp_path / "r"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "m.toml: conditions.2" in done.stderr and "fix:" in done.stderr


ASSAY_RUN = [sys.executable, "-m", "assay.cli", "run"]


def test_sigkill_at_random_points_then_resume(tmp_path):
    tasks = ["window-sums", "lru-cache", "money-rounding"]
    m = write_manifest(tmp_path, tasks, seeds=1)
    out = tmp_path / "r"
    rng = random.Random(7)
    # The kills are meant for the run itself, not for its preflight checks.
    start = [*ASSAY_RUN, str(m), "--out", str(out), "--quiet", "--no-preflight"]
    resume = [*ASSAY_RUN, "--resume", str(out), "--quiet"]
    args = start
    for kill in range(3):
        proc = subprocess.Popen(
            args,
            cwd=REPO,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(1.0, 4.0))
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        # Simulate a record cut mid-line by the kill, the worst case for the reader.
        if kill == 1 and (out / "attempts.jsonl").exists():
            with (out / "attempts.jsonl").open("a") as fh:
                fh.write('{"attempt_id": "half-writ')
        # On a loaded machine a kill may come before the run directory was written
        # (manifest.sha256 is its last start-up step): then the same command starts it.
        args = resume if (out / "manifest.sha256").exists() else start
    done = subprocess.run(args, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    records = check_run_dir(out, len(tasks) * 3)
    assert {r.outcome for r in records} <= {"completed", "stagnated", "budget", "fault"}
    RunDir.open(out).write_summary()


def test_claims_must_share_one_level(tmp_path):
    m = write_manifest(tmp_path, ["window-sums"])
    claims = "\n".join(
        f'[[claims]]\nid = "c{i}"\nmetric = "success"\ntreatment = "auto"\ncontrol = "solo"\n'
        f"alpha = {alpha}\n"
        for i, alpha in enumerate((0.025, 0.05))
    )
    m.write_text(m.read_text() + "\n" + claims)
    done = run_assay("run", str(m), "--out", str(tmp_path / "r"))
    assert done.returncode == 2
    assert "claims must share alpha and planned_looks" in done.stderr


def test_ctrl_c_records_interrupted_and_resume_finishes(tmp_path):
    tasks = ["window-sums", "lru-cache", "money-rounding", "semver-order"]
    # A model that keeps listing the folder: attempts are long enough to be caught mid-way.
    script = tmp_path / "busy.json"
    script.write_text(
        json.dumps(
            {
                "schema": "assay.script.v1",
                "on_exhausted": "repeat_last",
                "tasks": {"*": [{"tool_calls": [{"name": "list_dir", "arguments": {}}]}]},
            }
        )
    )
    m = write_manifest(tmp_path, tasks, seeds=1)
    m.write_text(
        m.read_text()
        .replace("scripted:builtin:repair-demo", f"scripted:{script}")
        .replace("max_passes = 3, max_steps = 12", "max_passes = 3, max_steps = 400")
    )
    out = tmp_path / "r"
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay.cli", "run", str(m), "--out", str(out), "--quiet"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Wait until the first attempts are under way, then press Ctrl-C once.
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not list((out / "events").glob("*.jsonl")):
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    assert "stopping" in err
    first = RunDir.open(out).latest()
    assert len(first) < len(tasks) * 3  # it stopped early
    interrupted = [r for r in first.values() if r.outcome == "interrupted"]
    assert interrupted, "attempts in flight must be recorded as interrupted"
    assert all(not r.shipped and r.verdict is None for r in interrupted)
    done = run_assay("run", "--resume", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    final = RunDir.open(out).latest()
    assert len(final) == len(tasks) * 3
    assert all(r.outcome != "interrupted" for r in final.values())
    # The interrupted lines stay in the append-only file; the later line per attempt wins.
    lines = (out / "attempts.jsonl").read_text().splitlines()
    assert len(lines) == len(final) + len(interrupted)


def test_harness_failure_is_recorded_as_fault_and_the_run_goes_on(tmp_path, task):
    import shutil

    suite = tmp_path / "suite"
    shutil.copytree(task.root, suite / "window-sums")
    shutil.copytree(task.root.parent / "lru-cache", suite / "lru-cache")
    # A broken reference: the gate cannot collect the expected tests for this task.
    (suite / "window-sums" / "solution" / "windows.py").write_text("raise ImportError('x')\n")
    m = tmp_path / "m.toml"
    m.write_text(
        manifest_text(["window-sums", "lru-cache"]).replace(
            'suites = ["repair"]', f'suites = ["{suite}"]'
        )
    )
    # The preflight finds the broken task first and nothing is run or written ...
    refused = run_assay("run", str(m), "--out", str(tmp_path / "r"), "--quiet")
    assert refused.returncode == 1 and "FAILED tasks window-sums" in refused.stdout
    assert not (tmp_path / "r").exists()
    # ... and without it the harness failure is recorded as a fault and the run goes on.
    done = run_assay("run", str(m), "--out", str(tmp_path / "r"), "--quiet", "--no-preflight")
    assert done.returncode == 0, done.stderr
    records = check_run_dir(tmp_path / "r", 6)
    broken = [r for r in records if r.task_id == "window-sums"]
    assert all(r.outcome == "fault" and "infrastructure" in (r.fault or "") for r in broken)
    assert all(r.outcome != "fault" for r in records if r.task_id == "lru-cache")
