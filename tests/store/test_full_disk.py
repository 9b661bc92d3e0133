"""A full disk for real (issue 19 item 5): a 2 MB tmpfs holds the run directory.

The run is paused (SIGSTOP) after its first record, the disk is filled to the last byte, and
the run goes on: it must stop with a clear error naming the file and ``assay run --resume``,
no traceback, no fault recorded for the disk; once space is freed, the resume completes it.
Needs root and ``mount -t tmpfs``; skipped (with the reason) where a mount is not allowed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.store.rundir import RunDir
from tests.conftest import REPO, run_assay
from tests.support.rundir import check_run_dir, manifest_text

TASKS = ["window-sums", "lru-cache"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {made.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    """Write until the disk refuses another byte; return the filler file."""
    filler = disk / "filler"
    with filler.open("wb", buffering=0) as fh:
        for size in (1 << 16, 1 << 12, 1 << 8, 1):
            try:
                while True:
                    fh.write(b"\0" * size)
            except OSError:
                continue
    return filler


def _wait_for_first_record(out: Path, polls: int = 6000) -> None:
    attempts = out / "attempts.jsonl"
    for _ in range(polls):
        if attempts.exists() and attempts.read_bytes().count(b"\n") >= 1:
            return
        time.sleep(0.05)
    raise AssertionError("no record was written")


def test_full_disk_stops_cleanly_and_the_run_resumes_completely(tmp_path, small_disk):
    m = tmp_path / "m.toml"
    m.write_text(manifest_text(TASKS, attempts=1))
    out = small_disk / "r"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assay.cli",
            "run",
            str(m),
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
    try:
        _wait_for_first_record(out)
        os.kill(proc.pid, signal.SIGSTOP)
        filler = _fill(small_disk)
        os.kill(proc.pid, signal.SIGCONT)
        _, err = proc.communicate(timeout=600)
    finally:
        proc.kill()
    assert proc.returncode == 75, err
    assert "Traceback" not in err
    assert "disk full while writing" in err and f"assay run --resume {out}" in err
    recorded = RunDir.open(out).latest()
    assert all("No space" not in (r.fault or "") for r in recorded.values())
    # The start's whole files are intact (atomic), and a resume on a full disk says so again.
    assert RunDir.open(out).manifest().name == "mini-report"
    again = run_assay("run", "--resume", str(out), "--quiet")
    assert again.returncode == 75 and "Traceback" not in again.stderr
    filler.unlink()
    done = run_assay("run", "--resume", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    check_run_dir(out, len(TASKS) * 3)
    assert not list(out.rglob("*.tmp"))  # no temporary file of an atomic write is left


def test_a_disk_full_at_the_start_leaves_a_folder_the_same_command_can_use(tmp_path, small_disk):
    m = tmp_path / "m.toml"
    m.write_text(manifest_text(TASKS[:1], attempts=1))
    out = small_disk / "r"
    filler = _fill(small_disk)
    done = run_assay("run", str(m), "--out", str(out), "--quiet", "--no-preflight")
    assert done.returncode == 75 and "Traceback" not in done.stderr
    assert "disk full while writing" in done.stderr
    filler.unlink()
    done = run_assay("run", str(m), "--out", str(out), "--quiet", "--no-preflight")
    assert done.returncode == 0, done.stderr
    check_run_dir(out, 3)
