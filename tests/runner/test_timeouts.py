"""A hung endpoint cannot stall a run: timeouts per call and per attempt, and Ctrl-C twice.

Issue 19, item 12: each try waited up to 600 s, four tries, with no setting; the second
Ctrl-C did nothing and the third exited 130 with nothing recorded.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

from assay.records.manifest import Manifest
from assay.store.rundir import RunDir
from tests.conftest import REPO, run_assay
from tests.support.storm_run import events, free_port, served, storm, write_manifest

HANG_CALL_S = 3600.0
"""Per-call timeout while the endpoint hangs: far beyond the test's bound on an abort."""
ABORT_BOUND_S = 60.0
"""How long the second Ctrl-C may take: 60x less than one hung call, so a run that waited
for its calls instead of stopping could not pass, even on a loaded machine."""


def test_defaults_bound_a_hung_call_and_an_attempt() -> None:
    t = Manifest.model_validate(
        {
            "name": "x",
            "suites": ["repair"],
            "agents": [{"id": "a", "model": "scripted:x"}],
            "conditions": [{"id": "solo"}],
        }
    ).timeouts_or_default()
    assert 0 < t.call_s <= 300
    assert t.call_s < t.attempt_s <= 4 * 3600


def test_a_hung_endpoint_becomes_a_fault_after_the_tries_allowed(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "hang.jsonl"
    manifest = write_manifest(tmp_path, port, ["window-sums"], call_s=0.5)
    out = tmp_path / "run"
    with storm(port, log, mode="hang"):
        done = run_assay("run", str(manifest), "--out", str(out), "--quiet", "--no-preflight")
    # No attempt could finish: the run says so and exits with the fault outcome's code.
    assert done.returncode == 1, done.stderr
    assert (
        "no attempt could finish because of faults (completed=0 stagnated=0 budget=0 fault=1"
        in done.stderr
    )
    (r,) = RunDir.open(out).latest().values()
    assert r.outcome == "fault" and "timed out" in (r.fault or ""), r.fault
    tries = [e.data for e in events(out, r.events) if e.kind == "model_try"]
    assert len(tries) == len(served(log)) == 4  # the retry policy's four tries, all recorded
    assert [t["kind"] for t in tries] == ["transient", "transient", "transient", "exhausted"]


def test_an_attempt_past_its_time_ends_as_budget(tmp_path: Path) -> None:
    # A model that keeps listing the folder: without its time limit the attempt would take
    # 200 passes of 1000 steps (minutes even on an idle machine); 2 s stop it long before.
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
    manifest = write_manifest(tmp_path, 1, ["window-sums"], attempt_s=2.0)
    manifest.write_text(
        manifest.read_text()
        .replace("openai:storm@http://127.0.0.1:1/v1", f"scripted:{script}")
        .replace("max_steps = 4", "max_steps = 1000")
        .replace("max_passes = 2", "max_passes = 200")
        .replace("max_stale = 2", "max_stale = 200")
    )
    out = tmp_path / "run"
    done = run_assay("run", str(manifest), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    (r,) = RunDir.open(out).latest().values()
    assert r.outcome == "budget" and r.verdict is not None  # the workspace is still judged
    kinds = [e.kind for e in events(out, r.events)]
    assert "attempt_timeout" in kinds
    steps = sum(1 for k in kinds if k == "tool_call")
    assert 0 < steps < 200 * 1000


def test_second_ctrl_c_stops_at_once_and_records_attempts_in_flight(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "hang.jsonl"
    manifest = write_manifest(
        tmp_path, port, ["window-sums", "lru-cache", "add-months"], call_s=HANG_CALL_S
    )
    out = tmp_path / "run"
    with storm(port, log, mode="hang"):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "assay.cli",
                "run",
                str(manifest),
                "--out",
                str(out),
                "--quiet",
                "--no-preflight",
            ],
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Wait, by count, until both attempts in flight hang in a model call.
        _wait_for_requests(log, 2, proc)
        proc.send_signal(signal.SIGINT)
        assert proc.stderr is not None
        assert "stopping" in proc.stderr.readline() + proc.stderr.readline()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=ABORT_BOUND_S)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "--resume" in err
    latest = RunDir.open(out).latest()
    assert len(latest) == 2 and {r.outcome for r in latest.values()} == {"interrupted"}
    # The endpoint comes back answering: resume runs everything that did not finish.
    with storm(port, tmp_path / "ok.jsonl", mode="ok"):
        again = run_assay("run", "--resume", str(out), "--quiet")
    assert again.returncode == 0, again.stderr
    final = RunDir.open(out).latest()
    assert len(final) == 3 and all(r.outcome != "interrupted" for r in final.values())


def _wait_for_requests(log: Path, n: int, proc: subprocess.Popen[str]) -> None:
    """Block until the endpoint has logged ``n`` requests (the run is killed if it exits)."""
    import time

    # Polling a file: the bound is a safety net for a broken run, not a timing assertion.
    for _ in range(6000):
        if len(served(log)) >= n:
            return
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"the endpoint never saw {n} requests: {served(log)}")
