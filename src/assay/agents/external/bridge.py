"""A loopback bridge into a network namespace: the CLI's only way out is the model endpoint.

Inside a fresh network namespace only a loopback device exists. ``python -m
assay.agents.external.bridge PORT SOCKET -- CMD...`` listens on ``127.0.0.1:PORT`` there, relays
every connection to the Unix socket ``SOCKET`` (bound in from outside, where ``UnixRelay``
passes it on to the endpoint on the host's loopback), runs ``CMD`` and exits with its status.
"""

from __future__ import annotations

import contextlib
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

CHUNK = 1 << 16


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(CHUNK):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)


def relay(a: socket.socket, b: socket.socket) -> None:
    """Copy bytes both ways until both sides are done; close both."""
    back = threading.Thread(target=_pump, args=(b, a), daemon=True)
    back.start()
    _pump(a, b)
    back.join()
    a.close()
    b.close()


def _serve(listener: socket.socket, connect: Callable[[], socket.socket]) -> None:
    while True:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        try:
            upstream = connect()
        except OSError:
            conn.close()
            continue
        threading.Thread(target=relay, args=(conn, upstream), daemon=True).start()


class UnixRelay:
    """Host side: accept on a Unix socket, relay each connection to ``127.0.0.1:port``."""

    def __init__(self, path: Path, port: int) -> None:
        self.path = path
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        self._listener.listen(64)
        target = ("127.0.0.1", port)
        self._thread = threading.Thread(
            target=_serve,
            args=(self._listener, lambda: socket.create_connection(target, timeout=30)),
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        """Stop accepting (open relays finish on their own)."""
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        self._listener.close()
        self._thread.join(timeout=5)


def _connect_unix(path: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(path)
    return sock


def main(argv: list[str]) -> int:
    """Listen, start the command, relay until it exits; return its exit status."""
    if len(argv) < 4 or argv[2] != "--":
        print("usage: bridge PORT SOCKET -- CMD...", file=sys.stderr)
        return 2
    port, path, cmd = int(argv[0]), argv[1], argv[3:]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    threading.Thread(
        target=_serve, args=(listener, lambda: _connect_unix(path)), daemon=True
    ).start()
    child = subprocess.Popen(cmd)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda signum, frame: child.send_signal(signum))
    code = child.wait()
    return 128 - code if code < 0 else code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
