"""The warm pool: sandboxed servers, one per core; runs dispatched to them; verdicts decided here.

Each server is started once under the strongest isolation plan this machine allows (the gate's
:func:`~assay.sandbox.isolation.plan_for`: bubblewrap namespaces entered as uid 65534, the
environment scrubbed, the task folders masked) and then forks a fresh child per run. Every run
gets its own MAC key; the parent checks the child's signed lines, so neither the server's
reply nor anything printed can pass a candidate by itself.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import queue
import secrets
import select
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from pydantic import ValidationError

from assay.sandbox.isolation import Isolation, Plan, bwrap_argv, plan_for
from assay.sandbox.limits import UNPRIVILEGED_UID, Limits, apply
from assay.sandbox.process import kill_group
from assay.sandbox.scratch import give_tree
from assay.verify.verdict import Verdict
from assay.verify.warm.decide import RunView, decide, expectation, read_run
from assay.verify.warm.fs import fast_scratch
from assay.verify.warm.jobs import FunctionJob
from assay.verify.warm.server import module_key
from assay.verify.warm.wire import Ready, RunReply, RunRequest, WireModule

_START_TIMEOUT_S = 60.0
_RETRIES = 2


class WarmUnavailableError(RuntimeError):
    """No warm server could be started here."""


class _ServerLostError(Exception):
    pass


class _Server:
    """One sandboxed server process and the modules it already holds."""

    def __init__(self, argv: list[str], env: dict[str, str], workdir: Path, pool: WarmPool):
        self._argv, self._env, self._workdir, self._pool = argv, env, workdir, pool
        self._proc: subprocess.Popen[bytes] | None = None
        self._buf = b""
        self.seen: set[str] = set()
        self.sweep = False

    def start(self) -> None:
        plan, limits = self._pool.plan, self._pool.server_limits
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
        except (_ServerLostError, ValidationError) as exc:
            self.stop()
            raise WarmUnavailableError(f"the warm server did not start: {exc}") from None
        self.sweep = ready.sweep

    def stop(self) -> None:
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
                raise _ServerLostError("no reply in time")
            ready, _, _ = select.select([fd], [], [], remaining)
            if ready:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise _ServerLostError("the server exited")
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
                raise _ServerLostError(f"{type(exc).__name__}: {exc}") from None
            if reply.run != req.run:
                raise _ServerLostError(f"reply for run {reply.run}, expected {req.run}")
            self.seen |= {m.sha for m in req.modules}
            if not reply.missing or attempt:
                return reply
            self.seen -= set(reply.missing)
        return reply


@dataclass(frozen=True)
class JobOutcome:
    """A job's verdict and what each of its runs reported (for calibration)."""

    verdict: Verdict
    runs: list[RunView]


class _Batch:
    """The replies of one :meth:`WarmPool.run_requests` call, filled in by the workers."""

    def __init__(self, size: int) -> None:
        self.replies: dict[int, RunReply] = {}
        self.failures: list[WarmUnavailableError] = []
        self._left = size
        self._lock = threading.Lock()
        self.done = threading.Event()
        if size == 0:
            self.done.set()

    def settle(self, run: int, reply: RunReply | None, error: WarmUnavailableError | None) -> None:
        with self._lock:
            if reply is not None:
                self.replies[run] = reply
            if error is not None:
                self.failures.append(error)
            self._left -= 1
            if self._left == 0:
                self.done.set()


_Item = tuple[RunRequest, _Batch] | None


class _Worker(threading.Thread):
    """Owns one server for the pool's lifetime.

    bubblewrap's ``--die-with-parent`` is tied to the thread that started it, so a server is
    started, restarted and stopped only by this long-lived thread.
    """

    def __init__(self, server: _Server, items: queue.Queue[_Item], pool: WarmPool) -> None:
        super().__init__(daemon=True)
        self.server, self._items, self._pool = server, items, pool
        self.ready = threading.Event()
        self.error: WarmUnavailableError | None = None

    def run(self) -> None:
        try:
            self.server.start()
        except WarmUnavailableError as exc:
            self.error = exc
        finally:
            self.ready.set()
        try:
            while self.error is None and (item := self._items.get()) is not None:
                req, batch = item
                try:
                    batch.settle(req.run, self._pool.call(self.server, req), None)
                except WarmUnavailableError as exc:
                    self.error = exc
                    batch.settle(req.run, None, exc)
        finally:
            self.server.stop()


class WarmPool:
    """Warm servers that run fast-path jobs; use as a context manager."""

    def __init__(
        self,
        *,
        workers: int | None = None,
        plan: Plan | None = None,
        masks: Sequence[Path] = (),
        memory_ceiling_mb: int = 4096,
        margin_s: float = 10.0,
    ) -> None:
        # Two servers per core: a run waits on its child part of the time (fork, exit, a sleep,
        # a timeout), and the second server keeps the core busy meanwhile.
        self.workers = max(1, workers or 2 * (os.cpu_count() or 1))
        self._plan = plan
        self._masks = list(masks)
        self.server_limits = Limits(cpu_s=10**7, memory_mb=memory_ceiling_mb, nproc=256)
        self._margin_s = margin_s
        self._threads: list[_Worker] = []
        self._items: queue.Queue[_Item] = queue.Queue()
        self._stack = ExitStack()
        self._ids = itertools.count(1)

    @property
    def plan(self) -> Plan:
        """The isolation plan the servers run under."""
        if self._plan is None:
            self._plan = plan_for()
        return self._plan

    def __enter__(self) -> WarmPool:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start every server (in parallel); raise :class:`WarmUnavailableError` on failure."""
        plan = self.plan
        scratch = self._stack.enter_context(fast_scratch("assay-warm-"))
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TMPDIR": "/tmp"}
        cmd = [sys.executable, "-I", "-B", "-m", "assay.verify.warm.server"]
        # Inside bubblewrap /tmp is a fresh tmpfs: run folders go there.
        cmd += ["--sweep", "--runs-in", "/tmp"] if plan.bwrap else []
        cmd += ["--nproc"] if plan.drop_uid else []
        for i in range(self.workers):
            workdir = scratch / f"s{i}"
            workdir.mkdir()
            if plan.drop_uid:
                give_tree(workdir, UNPRIVILEGED_UID)
            server_env = {**env, "HOME": "/tmp" if plan.bwrap else str(workdir)}
            argv = cmd
            if plan.bwrap:
                argv = bwrap_argv(plan.bwrap, workdir, server_env, self._masks) + cmd
            self._threads.append(
                _Worker(_Server(argv, server_env, workdir, self), self._items, self)
            )
        for t in self._threads:
            t.start()
        for t in self._threads:
            t.ready.wait()
        errors = [t.error for t in self._threads if t.error is not None]
        if errors:
            self.close()
            raise errors[0]

    def close(self) -> None:
        """Stop every server and remove the scratch folder."""
        for _ in self._threads:
            self._items.put(None)
        for t in self._threads:
            t.join()
        self._threads = []
        self._stack.close()

    def isolation(self, limits: Limits) -> Isolation:
        """The isolation record of a run with these limits."""
        iso = self.plan.describe(limits)
        notes = [*iso.notes, "fast path: a fresh child forked from a warm server per run"]
        if self._threads and all(t.server.sweep for t in self._threads):
            notes.append("every other process of the run's pid namespace killed after the run")
        else:
            notes.append("processes that leave the run's process group may outlive it")
        return iso.model_copy(update={"notes": notes})

    def run_requests(self, requests: Sequence[RunRequest]) -> list[RunReply]:
        """Run requests on the servers in parallel; replies in the order of the requests."""
        batch = _Batch(len(requests))
        for req in requests:
            self._items.put((req, batch))
        while not batch.done.wait(0.5):
            if not any(t.is_alive() and t.error is None for t in self._threads):
                raise WarmUnavailableError("every warm server is gone")
        if batch.failures:
            raise batch.failures[0]
        return [batch.replies[r.run] for r in requests]

    def call(self, server: _Server, req: RunRequest) -> RunReply:
        """One run on one server; infrastructure errors are retried, a lost server restarted."""
        for _ in range(_RETRIES + 1):
            deadline = time.monotonic() + req.timeout_s + self._margin_s
            try:
                reply = server.call(req, deadline)
            except _ServerLostError as exc:
                server.stop()
                server.start()
                # Lost while the candidate ran: fail closed, never retried.
                return RunReply(run=req.run, output=f"the warm server was lost: {exc}")
            if reply.error is None:
                return reply
        return reply

    def verify(self, jobs: Sequence[FunctionJob]) -> list[JobOutcome]:
        """Verify jobs (each repeated as it asks); one outcome per job, in order."""
        start = time.monotonic()
        wants = [expectation(job) for job in jobs]
        requests: list[tuple[int, RunRequest]] = []
        for n, job in enumerate(jobs):
            modules = [
                WireModule(path=t.path, sha=module_key(t.path, t.source), source=t.source)
                for t in job.tests
            ]
            if job.memory_mb > self.server_limits.memory_mb:
                raise ValueError(f"{job.id}: memory_mb above the pool's ceiling")
            for _ in range(job.repeats):
                requests.append(
                    (
                        n,
                        RunRequest(
                            run=next(self._ids),
                            key=secrets.token_hex(32),
                            files=job.files,
                            modules=modules,
                            limits=job.limits.as_dict(),
                            timeout_s=job.timeout_s,
                        ),
                    )
                )
        replies = self.run_requests([r for _, r in requests])
        views: list[list[RunView]] = [[] for _ in jobs]
        for (n, req), reply in zip(requests, replies, strict=True):
            views[n].append(read_run(reply, bytes.fromhex(req.key), len(views[n]) + 1))
        elapsed = time.monotonic() - start
        return [
            JobOutcome(
                decide(
                    job,
                    want,
                    v,
                    isolation=self.isolation(job.limits),
                    duration=sum(x.record.duration_s for x in v) or elapsed,
                ),
                v,
            )
            for job, want, v in zip(jobs, wants, views, strict=True)
        ]


def verify_functions(jobs: Sequence[FunctionJob], *, pool: WarmPool | None = None) -> list[Verdict]:
    """Verify candidates on the fast path: one gate-compatible verdict per job, in order.

    Without ``pool`` a pool is started for the call (a fraction of a second) and stopped.
    """
    if pool is None:
        with WarmPool() as own:
            return verify_functions(jobs, pool=own)
    return [outcome.verdict for outcome in pool.verify(jobs)]
