"""Run a CLI to its end: a wall-clock limit, an output limit, a stop request; nothing survives.

Stdout and stderr go to files. The run ends when the CLI exits, when the wall clock runs
out (a hang), when the two files together pass the output limit (a flood) or when asked to
stop; in every case the whole process group is killed before returning. Once read, logs
over the keep limit are clipped in place to their head and tail around a marker.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from assay.sandbox.process import kill_group, signal_name

KEEP_BYTES = 2 << 20
"""Logs longer than this are clipped to their first and last megabyte."""
POLL_S = 0.05


@dataclass(frozen=True)
class Ran:
    """How the CLI's run ended."""

    returncode: int
    timed_out: bool
    flooded: bool
    stopped: bool
    duration_s: float
    output_bytes: int
    """Stdout plus stderr as written, before clipping."""

    @property
    def signal_name(self) -> str | None:
        """The signal that ended the CLI, if one did."""
        return signal_name(self.returncode)


def run_process(
    argv: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    stdout: Path,
    stderr: Path,
    timeout_s: float,
    max_bytes: int,
    stop: threading.Event | None = None,
) -> Ran:
    """Start ``argv`` in its own session; wait for exit, timeout, flood or stop."""
    start = time.monotonic()
    timed_out = flooded = stopped = False
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(
            argv,
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        try:
            while True:
                try:
                    proc.wait(timeout=POLL_S)
                    break
                except subprocess.TimeoutExpired:
                    pass
                if time.monotonic() - start > timeout_s:
                    timed_out = True
                elif os.fstat(out.fileno()).st_size + os.fstat(err.fileno()).st_size > max_bytes:
                    flooded = True
                elif stop is not None and stop.is_set():
                    stopped = True
                else:
                    continue
                break
        finally:
            # Whatever it left behind (a background server, a hung child) dies with it.
            kill_group(proc.pid)
            proc.wait()
    written = stdout.stat().st_size + stderr.stat().st_size
    return Ran(
        returncode=proc.returncode,
        timed_out=timed_out,
        flooded=flooded,
        stopped=stopped,
        duration_s=round(time.monotonic() - start, 4),
        output_bytes=written,
    )


def clip_file(path: Path, limit: int) -> bool:
    """Keep the head and tail of a long file around a marker; say whether it was clipped."""
    size = path.stat().st_size
    if size <= limit:
        return False
    half = limit // 2
    with path.open("rb") as fh:
        head = fh.read(half)
        fh.seek(size - half)
        tail = fh.read()
    marker = f"\n[assay: {size - len(head) - len(tail)} bytes clipped]\n".encode()
    path.write_bytes(head + marker + tail)
    return True
