"""The warm pool: sandboxed servers, two per core; runs dispatched to them; verdicts decided here.

Each server is started once under the strongest isolation plan this machine allows (the gate's
:func:`~assay.sandbox.isolation.plan_for`: bubblewrap namespaces entered as uid 65534, the
environment scrubbed, the task folders masked) and then forks a fresh child per run. Every run
gets its own MAC key; the parent checks the child's signed lines, so neither the server's
reply nor anything printed can pass a candidate by itself.
"""

from __future__ import annotations

import itertools
import os
import queue
import secrets
import sys
import threading
import time
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from assay.records.verdict import Isolation, Verdict
from assay.sandbox.isolation import Plan, bwrap_argv, plan_for
from assay.sandbox.limits import UNPRIVILEGED_UID, Limits
from assay.sandbox.scratch import give_tree
from assay.verify.decision import RunEvidence
from assay.verify.warm.decide import decide, expectation, read_run
from assay.verify.warm.fs import fast_scratch
from assay.verify.warm.jobs import FunctionJob
from assay.verify.warm.link import ServerLink, ServerLostError, WarmUnavailableError
from assay.verify.warm.server import module_key
from assay.verify.warm.wire import RunReply, RunRequest, WireModule

_RETRIES = 2


@dataclass(frozen=True)
class JobOutcome:
    """A job's verdict and what each of its runs reported (for calibration)."""

    verdict: Verdict
    runs: list[RunEvidence]


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

    def __init__(self, server: ServerLink, items: queue.Queue[_Item], pool: WarmPool) -> None:
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
                _Worker(
                    ServerLink(argv, server_env, workdir, plan, self.server_limits),
                    self._items,
                    self,
                )
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

    def call(self, server: ServerLink, req: RunRequest) -> RunReply:
        """One run on one server; infrastructure errors are retried, a lost server restarted."""
        for _ in range(_RETRIES + 1):
            deadline = time.monotonic() + req.timeout_s + self._margin_s
            try:
                reply = server.call(req, deadline)
            except ServerLostError as exc:
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
        views: list[list[RunEvidence]] = [[] for _ in jobs]
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
