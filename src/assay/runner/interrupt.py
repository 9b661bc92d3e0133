"""Stopping a run from the keyboard: the first Ctrl-C stops it gently, the second at once.

The first Ctrl-C starts no new attempt and asks the running ones to stop between steps;
they are recorded as ``interrupted`` when they do (a model call under way ends at its
timeout, and is not retried). The second Ctrl-C does not wait: every attempt still in
flight is recorded as ``interrupted`` there and then, and the command exits 130 without
joining the threads that may still hang in a call. ``assay run --resume`` runs those
attempts again.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime

from assay.errors import RunAborted
from assay.records.attempt import AttemptRecord, EventRecord, events_file
from assay.records.canonical import dumps
from assay.runner.spec import Arm, AttemptSpec, attempt_key
from assay.store.rundir import RunDir

ABORTED: str = "aborted by a second Ctrl-C"

__all__ = ["ABORTED", "RunAborted", "abortable_pool", "record_aborted"]


@contextmanager
def abortable_pool(width: int) -> Iterator[ThreadPoolExecutor]:
    """A thread pool that, left by KeyboardInterrupt, does not wait for its threads.

    A ``with ThreadPoolExecutor()`` block waits for every thread on the way out, so a call
    hung on an endpoint would hold the abort for as long as it hangs.
    """
    pool = ThreadPoolExecutor(max_workers=width)
    try:
        yield pool
    except KeyboardInterrupt:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def record_aborted(spec: AttemptSpec, arm: Arm, run: RunDir) -> AttemptRecord:
    """Record an attempt in flight at the second Ctrl-C as interrupted; return the record."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rel = events_file(spec.attempt_id, spec.try_)
    events = run.root / rel
    seq = len(events.read_bytes().splitlines()) + 1 if events.is_file() else 1
    end = EventRecord(
        attempt_id=spec.attempt_id,
        seq=seq,
        t=0.0,
        kind="attempt_end",
        data={"outcome": "interrupted", "reason": ABORTED},
    )
    with events.open("a", encoding="utf-8") as fh:
        fh.write(dumps(end) + "\n")
    record = AttemptRecord(
        **attempt_key(spec, arm),
        outcome="interrupted",
        try_=spec.try_,
        events=rel,
        diff=run.write_diff(spec.attempt_id, "", spec.try_),
        started_at=now,
        finished_at=now,
    )
    run.append(record)
    return record
