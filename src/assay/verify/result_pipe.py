"""The parent's end of the result channel: a key pipe, a result pipe, and a draining reader."""

from __future__ import annotations

import contextlib
import os
import secrets
import select
import threading
from dataclasses import dataclass, field
from typing import Any

from assay.verify import protocol

_MAX_BYTES = 16 * 1024 * 1024


@dataclass
class Received:
    """Everything that arrived on the result pipe of one run."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    forged: int = 0
    overflow: bool = False


class ResultPipe:
    """Two pipes for one run: the key goes in once, signed results come out."""

    def __init__(self) -> None:
        self.key = secrets.token_hex(32).encode()
        key_r, key_w = os.pipe()
        self._res_r, self._res_w = os.pipe()
        os.write(key_w, self.key)
        os.close(key_w)
        self._key_r = key_r
        self.received = Received()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)

    @property
    def child_fds(self) -> tuple[int, int]:
        """The descriptors the child inherits: (key read end, result write end)."""
        return self._key_r, self._res_w

    @property
    def env_value(self) -> str:
        """The value of ``ASSAY_GATE_FDS`` for the child."""
        return f"{self._key_r},{self._res_w}"

    def start(self) -> None:
        """Close the child's ends in the parent and start draining (call after spawning)."""
        os.close(self._key_r)
        os.close(self._res_w)
        self._thread.start()

    def finish(self) -> Received:
        """Stop draining once the child tree is gone; return what arrived."""
        self._stop.set()
        self._thread.join()
        os.close(self._res_r)
        return self.received

    def abandon(self) -> None:
        """Release every descriptor when the child never started."""
        for fd in (self._key_r, self._res_w, self._res_r):
            with contextlib.suppress(OSError):
                os.close(fd)

    def _drain(self) -> None:
        buf = b""
        total = 0
        while True:
            ready, _, _ = select.select([self._res_r], [], [], 0.05)
            chunk = os.read(self._res_r, 65536) if ready else b""
            if ready and not chunk:
                break  # every writer closed
            if not chunk and self._stop.is_set():
                break
            total += len(chunk)
            if total > _MAX_BYTES:
                self.received.overflow = True
                continue
            buf += chunk
            *lines, buf = buf.split(b"\n")
            for line in lines:
                self._accept(line)
        if buf.strip():
            self._accept(buf)

    def _accept(self, line: bytes) -> None:
        accept_line(self.received, self.key, line)


def accept_line(received: Received, key: bytes, line: bytes) -> None:
    """File one line under messages (valid MAC) or forgeries (anything else)."""
    if not line.strip():
        return
    msg = protocol.open_line(key, line) if len(line) <= protocol.MAX_LINE else None
    if msg is None:
        received.forged += 1
    else:
        received.messages.append(msg)


def parse_lines(key: bytes, lines: list[str], *, overflow: bool) -> Received:
    """The messages of a run whose lines arrived another way (through a fork server)."""
    received = Received(overflow=overflow)
    for line in lines:
        accept_line(received, key, line.encode())
    return received
