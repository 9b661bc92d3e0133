"""Start a sandboxed process tree, wait with a wall-clock limit, and leave nothing behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.sandbox.isolation import Plan
from assay.sandbox.limits import Limits, apply
from assay.sandbox.profiles import bwrap_argv

CLIP_BYTES = 8192


@dataclass(frozen=True)
class Exit:
    """How a sandboxed process ended."""

    returncode: int
    timed_out: bool
    duration_s: float
    stdout: str
    stderr: str

    @property
    def signal_name(self) -> str | None:
        """The signal that killed the process, if one did."""
        return signal_name(self.returncode)


def signal_name(returncode: int) -> str | None:
    """The name of the signal a negative return code stands for (None for a normal exit)."""
    if returncode >= 0:
        return None
    try:
        return signal.Signals(-returncode).name
    except ValueError:  # a real-time or otherwise unnamed signal
        return f"signal {-returncode}"


def clip(data: bytes, limit: int = CLIP_BYTES) -> str:
    """Keep the head and tail of long output around a marker."""
    if len(data) <= limit:
        return data.decode("utf-8", "replace")
    half = limit // 2
    cut = len(data) - 2 * half
    head = data[:half].decode("utf-8", "replace")
    tail = data[-half:].decode("utf-8", "replace")
    return f"{head}\n[... {cut} bytes clipped ...]\n{tail}"


def read_clipped(path: Path) -> str:
    """Read a log file, keeping only its head and tail when it is long."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        if size <= CLIP_BYTES:
            return clip(fh.read())
        head = fh.read(CLIP_BYTES // 2)
        fh.seek(size - CLIP_BYTES // 2)
        tail = fh.read()
    cut = size - len(head) - len(tail)
    return (
        f"{head.decode('utf-8', 'replace')}\n[... {cut} bytes clipped ...]\n"
        f"{tail.decode('utf-8', 'replace')}"
    )


def kill_group(pgid: int) -> None:
    """SIGKILL a whole process group; an already-empty group is fine."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def run(
    cmd: Sequence[str],
    *,
    plan: Plan,
    workdir: Path,
    env: dict[str, str],
    limits: Limits,
    timeout_s: float,
    logdir: Path,
    pass_fds: Sequence[int] = (),
    masks: Sequence[Path] = (),
    on_spawn: Callable[[], None] | None = None,
) -> Exit:
    """Run ``cmd`` in ``workdir`` under the plan; the process group dies on timeout or exit.

    ``on_spawn`` runs right after the child exists (the gate starts draining its pipe there).
    """
    argv = list(cmd)
    if plan.bwrap:
        argv = bwrap_argv(plan.bwrap, workdir, env, list(masks)) + argv
    out_path, err_path = logdir / "stdout.txt", logdir / "stderr.txt"
    start = time.monotonic()
    timed_out = False
    with out_path.open("wb") as out, err_path.open("wb") as err:
        proc = subprocess.Popen(
            argv,
            cwd=workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            pass_fds=tuple(pass_fds),
            start_new_session=True,
            # Only setrlimit/setres[ug]id run between fork and exec: no locks are taken there.
            preexec_fn=lambda: apply(limits, drop_uid=plan.drop_uid),  # noqa: PLW1509
        )
        if on_spawn is not None:
            on_spawn()
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            # Children left running (a background fork, a hung grandchild) die with the group.
            kill_group(proc.pid)
            proc.wait()
    return Exit(
        returncode=proc.returncode,
        timed_out=timed_out,
        duration_s=time.monotonic() - start,
        stdout=read_clipped(out_path),
        stderr=read_clipped(err_path),
    )
