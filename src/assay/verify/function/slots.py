"""One sandbox slot: a fork server in bubblewrap, as its own uid, talked to with deadlines.

The trusted side never waits without a deadline. Whatever goes wrong inside the slot (a
hang, a stopped or killed server, a flood of output) ends the same way: every process below
the slot's bubblewrap is killed, the slot restarts on its next job, and the job fails.
"""

from __future__ import annotations

import json
import math
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


_BOOT = "import sys; sys.path[:0] = ['/rt']; import sandbox_server; sandbox_server.serve({fd})"


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


class _Channel:
    """The server's frames and the child's bytes (its own pipe), read with deadlines."""

    def __init__(self, control: int, data: int) -> None:
        self.control, self.data, self.buf = control, data, b""
        os.set_blocking(data, False)
        # poll, not select: select fails on descriptors above 1023 in a busy process.
        self.poller = select.poll()
        for fd in (control, data):
            self.poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)

    def _frame(self) -> tuple[bytes, bytes] | None:
        if len(self.buf) >= 5:
            size = struct.unpack(">I", self.buf[1:5])[0]
            if len(self.buf) >= 5 + size:
                kind, payload = self.buf[:1], self.buf[5 : 5 + size]
                self.buf = self.buf[5 + size :]
                return kind, payload
        return None

    def next(self, deadline: float) -> tuple[bytes, bytes] | None:
        """The next frame, ``D`` with the child's bytes, or None when the deadline passes.

        EOFError if the server is gone.
        """
        while True:
            frame = self._frame()
            if frame is not None:
                return frame
            left = deadline - time.monotonic()
            # Past the deadline, one last look without waiting: bytes that arrived in time
            # count even if this side, busy elsewhere, reads them late.
            ready = {fd for fd, _ in self.poller.poll(max(0, math.ceil(left * 1000)))}
            if not ready and left <= 0:
                return None
            if self.data in ready:
                try:
                    chunk = os.read(self.data, 1 << 20)
                except BlockingIOError:
                    chunk = None
                if chunk == b"":
                    raise EOFError
                if chunk:
                    return b"D", chunk
            if self.control in ready:
                chunk = os.read(self.control, 1 << 20)
                if not chunk:
                    raise EOFError
                self.buf += chunk

    def drain(self) -> bytes:
        """What the child's pipe still holds (its writers are all dead by then)."""
        out = b""
        try:
            while chunk := os.read(self.data, 1 << 20):
                out += chunk
        except BlockingIOError:
            pass
        return out


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
        self.frames: _Channel | None = None
        self.dumpable = True

    def start(self) -> None:
        """Start the server and read its hello (raise :class:`SlotError` on failure)."""
        limits = self.limits
        # The children's answers come on their own pipe, straight to this side: the server
        # only waits while a child runs (relaying would wake it, and copy its pages, per line).
        data, theirs = os.pipe()
        try:
            self.proc = subprocess.Popen(
                self._argv(theirs),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                cwd="/",
                env=SANDBOX_ENV,
                pass_fds=(theirs,),
                # The server stays root (with a few capabilities) and drops each child to the uid.
                preexec_fn=lambda: apply(limits, drop_uid=False),  # noqa: PLW1509
            )
        except OSError:
            os.close(data)
            raise
        finally:
            os.close(theirs)
        assert self.proc.stdout is not None
        self.frames = _Channel(self.proc.stdout.fileno(), data)
        try:
            hello = self.frames.next(time.monotonic() + 30)
        except EOFError:
            hello = None
        if hello is None or hello[0] != b"H":
            self.stop()
            raise SlotError("the function sandbox did not start (is bubblewrap usable here?)")
        self.dumpable = bool(json.loads(hello[1]).get("dumpable", True))

    def _argv(self, data_fd: int) -> list[str]:
        boot = _BOOT.format(fd=data_fd)
        if self.deps is None:
            return sandbox_argv(self.bwrap, self.runtime, boot, child_uid=self.uid)
        boot = boot.replace(
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
        if self.frames is not None:
            os.close(self.frames.data)
        self.proc, self.frames = None, None

    def _send(self, job: dict[str, Any], inputs: bytes) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        data = json.dumps(job).encode()
        self.proc.stdin.write(struct.pack(">II", len(data), len(inputs)) + data + inputs)
        self.proc.stdin.flush()

    def run(
        self, job: dict[str, Any], inputs: bytes, import_s: float, limits_s: list[float]
    ) -> Raw:
        """Run one job; the deadline of input i starts when the answer before it arrived."""
        if self.proc is None:
            self.start()
        assert self.frames is not None
        raw, start = Raw(), time.monotonic()
        reader = _Lines(raw, len(limits_s))
        try:
            try:
                self._send(job, inputs)
            except OSError:
                # The server died between jobs (the candidate has not run yet): restart once.
                self.stop()
                self.start()
                self._send(job, inputs)
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
                    # Every process of the job is dead: what its pipe holds is all it wrote.
                    reader.feed(self.frames.drain())
                    raw.status = json.loads(payload).get("status")
                    raw.capped = reader.size > OUTPUT_CAP
                    break
                if kind == b"D" and reader.feed(payload):
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
        self.first = 0
        """Every input below this one has its answer."""

    def pending(self) -> int:
        """-1 while the module loads, else the first input without an answer."""
        if not self.ready:
            return -1
        while self.first in self.answered:
            self.first += 1
        return self.first

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
