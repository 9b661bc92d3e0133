"""One sandbox slot: a fork server in bubblewrap, as its own uid, talked to with deadlines.

The trusted side never waits without a deadline. Whatever goes wrong inside the slot (a
hang, a stopped or killed server, a flood of output) ends the same way: every process below
the slot's bubblewrap is killed, the slot restarts on its next job, and the job fails.
"""

from __future__ import annotations

import json
import os
import select
import struct
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.sandbox.limits import Limits, apply
from assay.sandbox.servers import (
    DEPS_MOUNT,
    SANDBOX_ENV,
    SlotError,
    kill_tree,
    runtime_dir,
    sandbox_argv,
)

_HERE = Path(__file__).resolve().parent
_RUNTIME_FILES = ("wire.py", "sandbox_server.py")
OUTPUT_CAP = 32 * 1024 * 1024
"""Bytes read from one job's child at most; more fails the job."""


def function_runtime() -> Path:
    """A private read-only folder holding the function sandbox's runtime."""
    return runtime_dir(_HERE, _RUNTIME_FILES)


_BOOT = "import sys; sys.path[:0] = ['/rt']; import sandbox_server; sandbox_server.serve()"


@dataclass
class Raw:
    """What one job produced, as the trusted side saw it (lines not yet interpreted)."""

    lines: list[dict[str, Any]] = field(default_factory=list)
    bad_lines: int = 0
    status: int | None = None
    timed_out: bool = False
    capped: bool = False
    lost: str = ""
    duration_s: float = 0.0


class _Frames:
    """Frames from the server's stdout, read with deadlines."""

    def __init__(self, fd: int) -> None:
        self.fd, self.buf = fd, b""

    def next(self, deadline: float) -> tuple[bytes, bytes] | None:
        """The next frame, or None when the deadline passes; EOFError if the server is gone."""
        while True:
            if len(self.buf) >= 5:
                size = struct.unpack(">I", self.buf[1:5])[0]
                if len(self.buf) >= 5 + size:
                    kind, payload = self.buf[:1], self.buf[5 : 5 + size]
                    self.buf = self.buf[5 + size :]
                    return kind, payload
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            # poll, not select: select fails on descriptors above 1023 in a busy process.
            poller = select.poll()
            poller.register(self.fd, select.POLLIN | select.POLLHUP | select.POLLERR)
            if poller.poll(max(1, int(left * 1000))):
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    raise EOFError
                self.buf += chunk


class Slot:
    """A fork server in its sandbox; start, run and stop it from one thread only."""

    def __init__(
        self,
        bwrap: str,
        runtime: Path,
        uid: int | None,
        server_limits: Limits,
        deps: Path | None = None,
    ) -> None:
        self.bwrap, self.runtime, self.uid, self.limits = bwrap, runtime, uid, server_limits
        self.deps = deps
        """A task's installed dependencies: read-only, on the server's path."""
        self.proc: subprocess.Popen[bytes] | None = None
        self.frames: _Frames | None = None
        self.dumpable = True

    def start(self) -> None:
        """Start the server and read its hello (raise :class:`SlotError` on failure)."""
        limits = self.limits
        self.proc = subprocess.Popen(
            self._argv(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            cwd="/",
            env=SANDBOX_ENV,
            # The server stays root (with a few capabilities) and drops each child to the uid.
            preexec_fn=lambda: apply(limits, drop_uid=False),  # noqa: PLW1509
        )
        assert self.proc.stdout is not None
        self.frames = _Frames(self.proc.stdout.fileno())
        try:
            hello = self.frames.next(time.monotonic() + 30)
        except EOFError:
            hello = None
        if hello is None or hello[0] != b"H":
            self.stop()
            raise SlotError("the function sandbox did not start (is bubblewrap usable here?)")
        self.dumpable = bool(json.loads(hello[1]).get("dumpable", True))

    def _argv(self) -> list[str]:
        if self.deps is None:
            return sandbox_argv(self.bwrap, self.runtime, _BOOT, child_uid=self.uid)
        boot = _BOOT.replace(
            "import sandbox_server",
            f"sys.path.append({DEPS_MOUNT!r}); import sandbox_server",
            1,
        )
        return sandbox_argv(self.bwrap, self.runtime, boot, child_uid=self.uid, deps=self.deps)

    def stop(self) -> None:
        """Kill the server and every process below it (its whole sandbox)."""
        if self.proc is not None:
            kill_tree(self.proc.pid)
            self.proc.wait()
            for pipe in (self.proc.stdin, self.proc.stdout):
                if pipe is not None:
                    pipe.close()
        self.proc, self.frames = None, None

    def _send(self, job: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        data = json.dumps(job).encode()
        self.proc.stdin.write(struct.pack(">I", len(data)) + data)
        self.proc.stdin.flush()

    def run(self, job: dict[str, Any], import_s: float, limits_s: list[float]) -> Raw:
        """Run one job; the deadline of input i starts when the answer before it arrived."""
        if self.proc is None:
            self.start()
        assert self.frames is not None
        raw, start = Raw(), time.monotonic()
        reader = _Lines(raw, len(limits_s))
        try:
            try:
                self._send(job)
            except OSError:
                # The server died between jobs (the candidate has not run yet): restart once.
                self.stop()
                self.start()
                self._send(job)
            mark = time.monotonic()
            while True:
                step = reader.pending()
                limit = import_s if step < 0 else limits_s[step] if step < len(limits_s) else 5.0
                frame = self.frames.next(mark + limit)
                if frame is None:
                    raw.timed_out = True
                    break
                kind, payload = frame
                if kind == b"E":
                    end = json.loads(payload)
                    raw.status, raw.capped = end.get("status"), bool(end.get("capped"))
                    break
                if reader.feed(payload):
                    mark = time.monotonic()
                if reader.size > OUTPUT_CAP:
                    raw.capped = True
                    break
        except (EOFError, BrokenPipeError, OSError) as exc:
            raw.lost = f"the sandbox server was lost: {type(exc).__name__}"
        if raw.timed_out or raw.capped or raw.lost:
            self.stop()  # restarted by the next job
        raw.duration_s = time.monotonic() - start
        return raw


class _Lines:
    """Cut the child's bytes into JSON lines; count the inputs answered so far."""

    def __init__(self, raw: Raw, n: int) -> None:
        self.raw, self.n, self.buf, self.size = raw, n, b"", 0
        self.ready = False
        self.answered: set[int] = set()

    def pending(self) -> int:
        """-1 while the module loads, else the first input without an answer."""
        if not self.ready:
            return -1
        i = 0
        while i in self.answered:
            i += 1
        return i

    def feed(self, chunk: bytes) -> bool:
        """Take bytes; return whether progress was made (the clock restarts then)."""
        self.size += len(chunk)
        self.buf += chunk
        progress = False
        while b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            try:
                msg = json.loads(line)
            except (ValueError, RecursionError):
                self.raw.bad_lines += 1
                continue
            if not isinstance(msg, dict):
                self.raw.bad_lines += 1
                continue
            self.raw.lines.append(msg)
            if msg.get("ready") is True and not self.ready:
                self.ready = progress = True
            elif "load_error" in msg:
                progress = True
            idx = msg.get("i")
            if self.ready and type(idx) is int and 0 <= idx < self.n and idx not in self.answered:
                self.answered.add(idx)
                progress = True
        return progress
