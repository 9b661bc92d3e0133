"""Start the test process: a child of the warm fork server, or a fresh interpreter.

Both are trusted (no candidate code ever runs in them), so the fork server is only a speed-up:
if it cannot start or dies, the session runs in a fresh interpreter with the same evidence.
The candidate's isolation does not depend on which one runs the tests.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
from dataclasses import dataclass
from typing import Any

from assay.sandbox.limits import Limits, apply
from assay.sandbox.process import kill_group

_MODULE = "assay.verify.remote"


@dataclass
class Spawned:
    """A running test process: its pid, and its Popen when it is our own child."""

    pid: int
    proc: subprocess.Popen[bytes] | None = None

    def kill(self) -> None:
        """Kill its whole session (it leads its own process group)."""
        kill_group(self.pid)
        if self.proc is not None:
            self.proc.wait()

    def reap(self) -> int | None:
        """Its return code if it is our child (a fork-server child reports its own)."""
        return self.proc.wait() if self.proc is not None else None


class ForkServer:
    """One warm server per gate process, started on first use, restarted once if lost."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._proc: subprocess.Popen[bytes] | None = None

    def _start(self) -> socket.socket:
        mine, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
        argv = [sys.executable, "-I", "-B", "-m", f"{_MODULE}.trusted_server", str(theirs.fileno())]
        self._proc = subprocess.Popen(
            argv,
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        theirs.close()
        mine.settimeout(60)
        if mine.recv(16) != b"ready":
            mine.close()
            raise OSError("the test-process fork server did not start")
        mine.settimeout(None)
        return mine

    def spawn(self, cfg: dict[str, Any], fds: tuple[int, int, int]) -> int:
        """Fork a test process for ``cfg``; its pid (OSError if no server can run)."""
        with self._lock:
            for attempt in (0, 1):
                try:
                    if self._sock is None:
                        self._sock = self._start()
                    socket.send_fds(self._sock, [json.dumps(cfg).encode()], list(fds))
                    reply = self._sock.recv(16)
                    pid = int(struct.unpack(">i", reply)[0]) if len(reply) == 4 else -1
                    if pid > 0:
                        return pid
                    raise OSError("the fork server refused the request")
                except OSError:
                    self._close()
                    if attempt:
                        raise
            raise AssertionError("unreachable")

    def _close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait()
            self._proc = None


_server = ForkServer()


def spawn(
    cfg: dict[str, Any], *, control: int, report: int, log: int, limits: Limits, env: dict[str, str]
) -> Spawned:
    """Start the test process for ``cfg`` (warm if possible)."""
    lim = {"cpu_s": limits.cpu_s, "memory_mb": limits.memory_mb}
    try:
        return Spawned(_server.spawn({**cfg, "limits": lim, "env": env}, (control, report, log)))
    except OSError:
        pass
    argv = [sys.executable, "-I", "-B", "-m", f"{_MODULE}.trusted_main"]
    proc = subprocess.Popen(
        [*argv, json.dumps({**cfg, "control_fd": control, "report_fd": report})],
        cwd=cfg["root"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        pass_fds=(control, report),
        start_new_session=True,
        preexec_fn=lambda: apply(limits, drop_uid=False),  # noqa: PLW1509
    )
    return Spawned(proc.pid, proc)
