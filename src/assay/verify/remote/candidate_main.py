"""The candidate's process: it imports and runs the candidate's modules, and holds nothing else.

Standard library only. Started by :mod:`assay.verify.remote.sandbox` under bubblewrap, as an
unprivileged uid of its own, from ``/usr/bin/python3 -I -S`` with only this folder bound in
(this file, :mod:`peer` and :mod:`codec`). Stdin brings the candidate's files once (length and
JSON); they are written into the sandbox's private ``/tmp``, which dies with it. The
descriptor named by the launcher is the control socket to the test process. No test, expected
value, reference, key or verdict ever enters this process: whatever it does, it can only
answer the questions it is asked.
"""

import base64
import contextlib
import ctypes
import importlib
import io
import json
import os
import resource
import struct
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assay.verify.remote import peer
else:
    import peer  # bound next to this file; the launcher puts its folder on sys.path

WORKSPACE = "/tmp/ws"
CONTROL_FD = 3
_PR_SET_DUMPABLE = 4


def _read_exact(fd: int, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            raise EOFError
        buf += chunk
    return bytes(buf)


def _unpack(files: list[list[Any]]) -> None:
    for rel, data, mode in files:
        parts = rel.split("/")
        if rel.startswith("/") or any(p in ("", ".", "..") for p in parts):
            raise ValueError(f"bad path {rel!r}")
        path = os.path.join(WORKSPACE, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode & 0o755)
        with os.fdopen(fd, "wb") as fh:
            fh.write(base64.b64decode(data))


def _limits(lim: dict[str, int]) -> None:
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (lim["cpu_s"], lim["cpu_s"] + 1))
    resource.setrlimit(resource.RLIMIT_AS, (lim["memory_mb"] * mb, lim["memory_mb"] * mb))
    resource.setrlimit(resource.RLIMIT_FSIZE, (lim["fsize_mb"] * mb, lim["fsize_mb"] * mb))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class _Forward(io.TextIOBase):
    """``sys.stdout``/``sys.stderr``: text goes to the test process's streams."""

    def __init__(self, side: "peer.Peer", stream: int) -> None:
        self._peer, self._stream, self._pid = side, stream, os.getpid()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if type(text) is not str:
            raise TypeError("write() argument must be str")
        if text and os.getpid() == self._pid:
            self._peer.request("write", self._stream, text)
        # A forked child (multiprocessing) must not write on its parent's channels.
        return len(text)


def main(control_fd: int = CONTROL_FD) -> None:
    """Unpack, confine, then serve the test process until it goes away."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    size = struct.unpack(">I", _read_exact(0, 4))[0]
    job = json.loads(_read_exact(0, size))
    os.makedirs(WORKSPACE)
    _unpack(job["files"])
    os.close(0)
    _limits(job["limits"])
    os.chdir(WORKSPACE)
    sys.path[:0] = [WORKSPACE]
    sys.path += [p for p in job.get("path", []) if isinstance(p, str)]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 3000))
    import socket

    control = socket.socket(fileno=control_fd)
    side: peer.Peer

    def extra(op: str, args: list[Any]) -> Any:
        if op == "import" and len(args) == 1 and type(args[0]) is str:
            return importlib.import_module(args[0])
        if op == "forget":
            with side.codec.lock:
                side.codec.forget()
            return None
        raise ValueError(f"unknown operation {op!r}")

    side = peer.Peer(control, "c", lambda op, args: peer.serve_any(op, args, extra))
    sys.stdout, sys.stderr = _Forward(side, 1), _Forward(side, 2)
    side.start()
    side.lost.wait()
    os._exit(0)


if __name__ == "__main__":
    threading.current_thread().name = "assay-candidate"
    main()
