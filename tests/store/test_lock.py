"""One writer per run directory (issue 19 item 1), and readers that change nothing (item 6).

Real ``assay`` processes: a run is paused (SIGSTOP) while it holds the lock, so a second
``assay run --resume`` meets the lock for certain, whatever the machine's speed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assay.store.lock import LOCK, RunLock
from tests.conftest import REPO, run_assay
from tests.support.rundir import check_run_dir, manifest_text

TASKS = ["window-sums", "lru-cache"]


def _start(args: list[str], *, output: int = subprocess.PIPE) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "assay.cli", *args],
        cwd=REPO,
        stdout=output,
        stderr=output,
        text=True,
        start_new_session=True,
    )


def _wait_for(predicate, polls: int = 3000) -> None:
    """Poll ``predicate`` a bounded number of times (0.1 s apart)."""
    for _ in range(polls):
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError("condition never held")


def _holder_pid(out: Path) -> int | None:
    try:
        return int(json.loads((out / LOCK).read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return None


def test_two_resumes_at_once_one_is_refused_naming_the_holder_and_nothing_is_doubled(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text(manifest_text(TASKS, attempts=1))
    out = tmp_path / "r"
    # A run killed early leaves an unfinished run directory (whatever it recorded is fine).
    # No pipes: a gate server outliving the kill must not keep the test waiting on them.
    started = _start(["run", str(m), "--out", str(out), "--quiet"], output=subprocess.DEVNULL)
    _wait_for(lambda: (out / "manifest.sha256").exists() and _holder_pid(out) == started.pid)
    os.killpg(started.pid, signal.SIGKILL)  # the whole session: its gate servers too
    started.wait()
    first = _start(["run", "--resume", str(out), "--quiet"])
    try:
        _wait_for(lambda: first.poll() is not None or _holder_pid(out) == first.pid)
        assert first.poll() is None, first.communicate()
        os.kill(first.pid, signal.SIGSTOP)  # it holds the lock, paused
        seconds = [run_assay("run", "--resume", str(out), "--quiet") for _ in range(2)]
        for second in seconds:
            assert second.returncode == 2, second.stderr
            assert "Traceback" not in second.stderr
            assert f"in use by pid {first.pid} (resume, started" in second.stderr
        os.kill(first.pid, signal.SIGCONT)
        _, err = first.communicate(timeout=600)
        assert first.returncode == 0, err
    finally:
        first.kill()
    check_run_dir(out, len(TASKS) * 3)  # every attempt exactly once, events framed


def test_readers_change_nothing_and_ignore_a_cut_tail(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text(manifest_text(TASKS[:1], attempts=1))
    out = tmp_path / "r"
    assert run_assay("run", str(m), "--out", str(out), "--quiet").returncode == 0
    attempts = out / "attempts.jsonl"
    lines = attempts.read_text().splitlines()
    # A crash cut the last record: half a line, no newline.
    attempts.write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:40])
    before = attempts.read_bytes()
    claims = run_assay("claims", str(out), "--json")
    assert claims.returncode == 1 and "Traceback" not in claims.stderr
    assert json.loads(claims.stdout)["runs"][0]["unfinished"].startswith("unfinished: 2 of 3")
    report = run_assay("report", str(out), "--out", str(tmp_path / "rep"))
    assert report.returncode == 0, report.stderr
    assert "unfinished: 2 of 3" in (tmp_path / "rep" / "report.md").read_text()
    query = run_assay("query", "select count(*) as n from attempts", "--run", str(out))
    assert query.returncode == 0, query.stderr
    assert attempts.read_bytes() == before  # no reader repaired or wrote anything
    assert not (out / "claims" / "ledger.jsonl").exists()  # no look on an unfinished run
    # The writer repairs the tail under the lock and runs the lost attempt again.
    assert run_assay("run", "--resume", str(out), "--quiet").returncode == 0
    check_run_dir(out, 3)


def test_the_lock_is_exclusive_and_released_on_exit(tmp_path):
    held = RunLock(tmp_path, "test").acquire()
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from assay.store.lock import RunLock;"
            "RunLock(Path(sys.argv[1]), 'child').acquire()",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode != 0 and f"pid {os.getpid()} (test" in child.stderr
    held.release()
    killed = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, sys; from pathlib import Path; from assay.store.lock import RunLock;"
            "RunLock(Path(sys.argv[1]), 'child').acquire(); os._exit(0)",
            str(tmp_path),
        ],
        timeout=60,
    )
    assert killed.returncode == 0
    RunLock(tmp_path, "again").acquire().release()  # the exited holder left no stale lock
