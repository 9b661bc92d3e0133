"""The candidate's process: bubblewrap, its own uid, a private /tmp, its files sent in.

Each verification run gets a fresh sandbox that serves that run only and dies with it:
nothing the candidate writes survives, and no server is shared between runs. Starting
bubblewrap costs far more than the session itself, so a few sandboxes are started ahead of
need by one long-lived thread (bubblewrap's ``--die-with-parent`` follows the thread that
started it); each waits, empty, for the one workspace it will ever hold. Without bubblewrap
the candidate is not run at all (the verdict fails closed and says why) — never a weaker path.
"""

from __future__ import annotations

import atexit
import base64
import contextlib
import json
import os
import queue
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from assay.sandbox.limits import Limits, apply
from assay.sandbox.servers import (
    DEPS_MOUNT,
    SANDBOX_ENV,
    kill_tree,
    runtime_dir,
    sandbox_argv,
)
from assay.sandbox.uids import release_uid, reserve_uids

_HERE = Path(__file__).resolve().parent
RUNTIME_FILES = ("values.py", "codec.py", "peer.py", "candidate_main.py")
SPARE_LIMITS = Limits(cpu_s=3600, memory_mb=16384, nproc=128)
"""Limits a waiting sandbox starts with; it lowers them to the task's before any import."""
_runtime: Path | None = None
_runtime_lock = threading.Lock()


class SandboxUnavailable(RuntimeError):
    """The candidate's sandbox cannot run on this machine."""


def _runtime_dir() -> Path:
    global _runtime  # noqa: PLW0603 - one read-only runtime folder per process
    with _runtime_lock:
        if _runtime is None or not _runtime.is_dir():
            _runtime = runtime_dir(_HERE, RUNTIME_FILES)
        return _runtime


@dataclass
class Sandbox:
    """A started candidate process, waiting for (or holding) its one workspace."""

    proc: subprocess.Popen[bytes]
    uid: int | None
    control: socket.socket
    """The test process's end of the control socket."""
    shared: Path
    """The tests' temp folder, visible read-only to the candidate at the same path."""
    folder: Path
    deps: Path | None = None
    """The task's installed dependencies, visible read-only at ``/deps``, on the path."""

    def send(self, files: dict[str, bytes], limits: Limits) -> None:
        """Hand the candidate's files over; the process writes them into its private /tmp."""
        job = {
            "path": [DEPS_MOUNT] if self.deps is not None else [],
            "files": [[rel, base64.b64encode(data).decode(), 0o644] for rel, data in files.items()],
            "limits": {"cpu_s": limits.cpu_s, "memory_mb": limits.memory_mb, "fsize_mb": 16},
        }
        payload = json.dumps(job).encode()
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.write(struct.pack(">I", len(payload)) + payload)
            self.proc.stdin.close()
        except OSError:
            pass  # it died before reading: the test process finds it gone, every test fails

    def stop(self) -> None:
        """Kill the sandbox and everything in it; give its uid and folder back."""
        kill_tree(self.proc.pid)
        self.proc.wait()
        with contextlib.suppress(OSError):
            if self.proc.stdin is not None:
                self.proc.stdin.close()
        self.control.close()
        if self.uid is not None:
            release_uid(self.uid)
            self.uid = None
        shutil.rmtree(self.folder, ignore_errors=True)


def launch(deps: Path | None = None) -> Sandbox:
    """Start one empty sandbox (raise :class:`SandboxUnavailable` where none can run).

    ``deps`` (a task's installed dependencies) is shown read-only at ``/deps``.
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap is not installed: pytest tasks fail closed without it")
    folder = Path(tempfile.mkdtemp(prefix="assay-cand-", dir=os.environ.get("ASSAY_TMPDIR")))
    os.chmod(folder, 0o711)  # bubblewrap runs as the sandbox's uid: it must reach shared/
    shared = folder / "shared"
    shared.mkdir(mode=0o755)
    os.chmod(shared, 0o755)
    mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    fd = theirs.fileno()
    boot = f"import sys; sys.path[:0] = ['/rt']; import candidate_main; candidate_main.main({fd})"
    argv = sandbox_argv(bwrap, _runtime_dir(), boot, readonly=(shared,), deps=deps)
    uid = None
    if os.geteuid() == 0:
        got = reserve_uids(1)
        uid = got[0] if got else None
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(fd,),
            start_new_session=True,
            cwd="/",
            env=SANDBOX_ENV,
            preexec_fn=lambda: apply(SPARE_LIMITS, drop_uid=uid is not None, uid=uid or 0),  # noqa: PLW1509
        )
    except OSError as exc:
        if uid is not None:
            release_uid(uid)
        mine.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise SandboxUnavailable(f"the candidate's sandbox did not start: {exc}") from None
    finally:
        theirs.close()
    return Sandbox(proc, uid, mine, shared, folder, deps)


class _Spares:
    """Sandboxes started ahead of need by one long-lived thread."""

    def __init__(self, target: int) -> None:
        self.target = target
        self.ready: queue.Queue[Sandbox] = queue.Queue()
        self.wanted = threading.Event()
        self.started = False
        self.lock = threading.Lock()
        self.closing = False
        atexit.register(self.close)

    def close(self) -> None:
        """Stop the sandboxes still waiting (at exit: their folders would outlive the process)."""
        self.closing = True
        while True:
            try:
                box = self.ready.get_nowait()
            except queue.Empty:
                return
            box.stop()

    def _loop(self) -> None:
        while not self.closing:
            while self.ready.qsize() < self.target:
                try:
                    box = launch()
                    if self.closing:
                        box.stop()
                        return
                    self.ready.put(box)
                except SandboxUnavailable:
                    return  # takers launch their own, and fail closed with the reason
            self.wanted.clear()
            self.wanted.wait()

    def take(self) -> Sandbox:
        """A waiting sandbox if one is ready, else a new one."""
        with self.lock:
            if not self.started:
                self.started = True
                threading.Thread(target=self._loop, name="assay-spares", daemon=True).start()
        try:
            box = self.ready.get_nowait()
        except queue.Empty:
            box = None
        self.wanted.set()
        if box is not None and box.proc.poll() is None:
            return box
        if box is not None:
            box.stop()
        return launch()


_spares = _Spares(target=max(2, min(4, os.cpu_count() or 2)))


def take(deps: Path | None = None) -> Sandbox:
    """A fresh, empty sandbox for one verification run (with ``deps`` shown, if any)."""
    return _spares.take() if deps is None else launch(deps)
