"""A killed run's scratch folder is removed by the resume (issue 19 item 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assay.sandbox.scratch import run_scratch_prefix, scratch_root
from tests.conftest import REPO, run_assay
from tests.support.rundir import check_run_dir, manifest_text


def _orphans(out: Path) -> list[Path]:
    return sorted(scratch_root().glob(run_scratch_prefix(out) + "*"))


def test_resume_removes_the_scratch_a_kill_left_behind(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text(manifest_text(["window-sums"], attempts=1))
    out = tmp_path / "r"
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay.cli", "run", str(m), "--out", str(out), "--quiet"],
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(3000):  # bounded polls: until an attempt has a workspace in scratch
        if any(p.is_dir() and any(p.iterdir()) for p in _orphans(out)):
            break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert _orphans(out), "the kill should have left the run's scratch folder"
    done = run_assay("run", "--resume", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert _orphans(out) == []
    check_run_dir(out, 3)
