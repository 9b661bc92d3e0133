"""The parent's end of one warm server: start it in the sandbox, talk JSON lines, stop it."""

from __future__ import annotations

import contextlib
import os
import select
import subprocess
import time
from pathlib import Path

from pydantic import ValidationError

from assay.sandbox.isolation import Plan
from assay.sandbox.limits import Limits, apply
from assay.sandbox.process import kill_group
from assay.verify.warm.wire import Ready, RunReply, RunRequest, WireModule

_START_TIMEOUT_S = 60.0


class WarmUnavailableError(RuntimeError):
    """No warm server could be started here."""


class ServerLostError(Exception):
    """The server died, hung, or answered out of turn."""


class ServerLink:
    """The parent's end of one sandboxed server: its process and the modules it holds."""

    def __init__(
        self, argv: list[str], env: dict[str, str], workdir: Path, plan: Plan, limits: Limits
    ) -> None:
        self._argv, self._env, self._workdir = argv, env, workdir
        self._plan, self._limits = plan, limits
        self._proc: subprocess.Popen[bytes] | None = None
        self._buf = b""
        self.seen: set[str] = set()
        self.sweep = False

    def start(self) -> None:
        """Start the server and wait for its ready line."""
        plan, limits = self._plan, self._limits
        with (self._workdir.parent / f"{self._workdir.name}.log").open("ab") as log:
            self._proc = subprocess.Popen(
                self._argv,
                cwd=self._workdir,
                env=self._env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log,
                start_new_session=True,
                # Only setrlimit/setres[ug]id run between fork and exec: no locks are taken there.
                preexec_fn=lambda: apply(limits, drop_uid=plan.drop_uid),  # noqa: PLW1509
            )
        self._buf, self.seen = b"", set()
        try:
            ready = Ready.model_validate_json(self._readline(time.monotonic() + _START_TIMEOUT_S))
        except (ServerLostError, ValidationError) as exc:
            self.stop()
            raise WarmUnavailableError(f"the warm server did not start: {exc}") from None
        self.sweep = ready.sweep

    def stop(self) -> None:
        """End the server (gently, then its whole process group)."""
        if self._proc is None:
            return
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()  # a healthy server ends on end of input
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._proc.wait(timeout=1)
        kill_group(self._proc.pid)
        self._proc.wait()
        for stream in (self._proc.stdin, self._proc.stdout):
            if stream is not None:
                stream.close()
        self._proc = None

    def _readline(self, deadline: float) -> bytes:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._buf:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServerLostError("no reply in time")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise ServerLostError("the server exited")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line

    def call(self, req: RunRequest, deadline: float) -> RunReply:
        """Send one request (sources only for modules the server lacks) and read its reply."""
        if self._proc is None:
            self.start()
        for attempt in range(2):
            wire = req.model_copy(
                update={
                    "modules": [
                        m if m.sha not in self.seen else WireModule(path=m.path, sha=m.sha)
                        for m in req.modules
                    ]
                }
            )
            try:
                assert self._proc is not None and self._proc.stdin is not None
                self._proc.stdin.write(wire.model_dump_json().encode() + b"\n")
                self._proc.stdin.flush()
                reply = RunReply.model_validate_json(self._readline(deadline))
            except (OSError, ValidationError) as exc:
                raise ServerLostError(f"{type(exc).__name__}: {exc}") from None
            if reply.run != req.run:
                raise ServerLostError(f"reply for run {reply.run}, expected {req.run}")
            self.seen |= {m.sha for m in req.modules}
            if not reply.missing or attempt:
                return reply
            self.seen -= set(reply.missing)
        return reply
