"""Start the candidate's process: bubblewrap, its own uid, a private /tmp, its files sent in.

Each verification run gets a fresh sandbox that dies with it: nothing the candidate writes
survives, and no server is shared between runs. Without bubblewrap the candidate is not run
at all (the verdict fails closed and says why) — never a weaker path.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import struct
import subprocess
from dataclasses import dataclass
from pathlib import Path

from assay.sandbox.limits import Limits, apply
from assay.sandbox.uids import release_uid, reserve_uids
from assay.verify.function.slots import SANDBOX_ENV, kill_tree, runtime_dir, sandbox_argv

_HERE = Path(__file__).resolve().parent
RUNTIME_FILES = ("codec.py", "peer.py", "candidate_main.py")
_runtime: Path | None = None


class SandboxUnavailable(RuntimeError):
    """The candidate's sandbox cannot run on this machine."""


def _runtime_dir() -> Path:
    global _runtime  # noqa: PLW0603 - one read-only runtime folder per process
    if _runtime is None or not _runtime.is_dir():
        _runtime = runtime_dir(_HERE, RUNTIME_FILES)
    return _runtime


@dataclass
class Candidate:
    """A running candidate process and what must be undone when it ends."""

    proc: subprocess.Popen[bytes]
    uid: int | None

    def stop(self) -> None:
        """Kill the sandbox and everything in it; give its uid back."""
        kill_tree(self.proc.pid)
        self.proc.wait()
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        if self.uid is not None:
            release_uid(self.uid)
            self.uid = None


def start(
    files: dict[str, bytes], control: socket.socket, shared: Path, limits: Limits
) -> Candidate:
    """Start the candidate's process on ``control`` with ``files`` as its workspace.

    ``shared`` (the tests' temp folder) is visible read-only at its own path.
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap is not installed: pytest tasks fail closed without it")
    fd = control.fileno()
    boot = f"import sys; sys.path[:0] = ['/rt']; import candidate_main; candidate_main.main({fd})"
    argv = sandbox_argv(bwrap, _runtime_dir(), boot, readonly=(shared,))
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
            preexec_fn=lambda: apply(limits, drop_uid=uid is not None, uid=uid or 0),  # noqa: PLW1509
        )
    except OSError as exc:
        if uid is not None:
            release_uid(uid)
        raise SandboxUnavailable(f"the candidate's sandbox did not start: {exc}") from None
    cand = Candidate(proc, uid)
    job = {
        "files": [[rel, base64.b64encode(data).decode(), 0o644] for rel, data in files.items()],
        "limits": {"cpu_s": limits.cpu_s, "memory_mb": limits.memory_mb, "fsize_mb": 16},
    }
    payload = json.dumps(job).encode()
    try:
        assert proc.stdin is not None
        proc.stdin.write(struct.pack(">I", len(payload)) + payload)
        proc.stdin.close()
    except OSError:
        pass  # it died before reading: the test process finds it gone and every test fails
    return cand
