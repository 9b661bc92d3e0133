"""The executor seam: what runs an attempt once the runner has decided to start it.

The runner (:mod:`assay.runner.execute`) keeps the order, the width, Ctrl-C and the run
directory; an :class:`Executor` only turns an :class:`~assay.runner.spec.AttemptSpec` into
a future of its finished :class:`~assay.records.attempt.AttemptRecord`. Whatever runs the
attempt, the driver is the only writer of ``attempts.jsonl``: it appends a record when its
future is done, so resume and "nothing lost, nothing twice" do not depend on the executor.

:class:`LocalExecutor` is this machine's thread pool (the behaviour before the seam);
:mod:`assay.runner.ray_executor` runs attempts as Ray tasks on a cluster.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from functools import partial
from pathlib import Path
from typing import Protocol

from assay.oversight.protocol import Channel
from assay.records.attempt import AttemptRecord
from assay.records.manifest import Manifest
from assay.runner.attempt import run_attempt
from assay.runner.interrupt import abortable_pool
from assay.runner.review_budget import ReviewAccount
from assay.runner.spec import Arm, AttemptSpec
from assay.sandbox.isolation import Plan
from assay.sandbox.scratch import run_scratch_prefix, scratch_dir
from assay.store.rundir import RunDir


class Executor(Protocol):
    """Runs attempts: each :meth:`submit` returns the future of one finished record.

    The future's result is the record to append (any files it names are already in the run
    directory); its exception is a harness failure, which the runner records as an
    infrastructure fault. :meth:`abandon` is called, on the second Ctrl-C, for an attempt
    still in flight: the executor stops waiting for it (the runner records it interrupted).
    """

    def submit(self, spec: AttemptSpec) -> Future[AttemptRecord]:
        """Start one attempt; return the future of its record."""
        ...

    def abandon(self, spec: AttemptSpec) -> None:
        """Give up an attempt in flight (best effort: its result will be ignored)."""
        ...


class LocalExecutor:
    """Attempts on this machine: a thread pool of ``manifest.concurrency.attempts`` threads."""

    def __init__(
        self,
        pool: ThreadPoolExecutor,
        *,
        arms: Mapping[str, Arm],
        manifest: Manifest,
        channels: Mapping[str, Channel],
        run: RunDir,
        scratch: Path,
        plan: Plan,
        stop: threading.Event,
        review_account: ReviewAccount | None,
    ) -> None:
        self._pool = pool
        self._arms = arms
        self._attempt = partial(
            run_attempt,
            manifest=manifest,
            channels=channels,
            run=run,
            scratch=scratch,
            plan=plan,
            stop=stop,
            review_account=review_account,
        )

    def submit(self, spec: AttemptSpec) -> Future[AttemptRecord]:
        """Run the attempt on a pool thread; it writes its events and files as it goes."""
        return self._pool.submit(self._attempt, spec, self._arms[spec.agent.id])

    def abandon(self, spec: AttemptSpec) -> None:
        """Nothing to do: the pool is left without waiting (see ``abortable_pool``)."""


@contextmanager
def local_executor(
    *,
    arms: Mapping[str, Arm],
    manifest: Manifest,
    channels: Mapping[str, Channel],
    run: RunDir,
    plan: Plan,
    stop: threading.Event,
    review_account: ReviewAccount | None,
) -> Iterator[LocalExecutor]:
    """A :class:`LocalExecutor` with its scratch folder and pool, both gone on the way out."""
    with ExitStack() as stack:
        scratch = stack.enter_context(scratch_dir(run_scratch_prefix(run.root)))
        pool = stack.enter_context(abortable_pool(manifest.concurrency.attempts))
        yield LocalExecutor(
            pool,
            arms=arms,
            manifest=manifest,
            channels=channels,
            run=run,
            scratch=scratch,
            plan=plan,
            stop=stop,
            review_account=review_account,
        )
