"""Bounded retries of transient model faults.

Every provider's SDK is built with its own retries off, so this is the only retry loop and
every try is visible: each one is reported through ``on_try`` for the event log. The loop
is capped twice — in tries and in total time spent waiting — because an unbounded retry
loop once kept an evaluation retrying for weeks. Jitter comes from an RNG seeded per call,
so the same call waits the same way on every run.

The caller of a model (an attempt of the runner) can also watch every try of every call
made within a block, whichever model object makes it, with :func:`call_scope`: its
``on_try`` sees each try and its ``should_stop`` ends the retrying when the run stops.
"""

from __future__ import annotations

import dataclasses
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from assay.models.protocol import FaultKind, ModelFault
from assay.models.types import Reply


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to retry transient faults."""

    max_tries: int = 4
    """Tries in all, the first included."""
    max_total_wait_s: float = 30.0
    """Cap on the sum of waits between tries (call time not included)."""
    base_delay_s: float = 0.5
    """Wait after the first failed try; doubled after each further one."""
    max_delay_s: float = 8.0
    """Cap on one backoff wait (a server's Retry-After is honoured beyond it)."""
    jitter: float = 0.25
    """Each backoff wait is scaled by a factor drawn from [1 - jitter, 1 + jitter]."""
    seed: int = 0
    """Seed of the jitter RNG (mixed with the call's key)."""

    def __post_init__(self) -> None:
        if self.max_tries < 1 or self.max_total_wait_s < 0 or not 0 <= self.jitter <= 1:
            raise ValueError(f"invalid retry policy: {self}")


@dataclass(frozen=True)
class TryReport:
    """One try of one model call, as reported to ``on_try``."""

    attempt: int
    """1-based number of this try."""
    ok: bool
    kind: FaultKind | None
    """The fault kind of a failed try (``exhausted`` when it was the last one allowed)."""
    status: int | None
    detail: str
    latency_s: float
    wait_s: float
    """How long the loop waits before the next try; 0 when none follows."""


OnTry = Callable[[TryReport], None]


@dataclass(frozen=True)
class CallScope:
    """Who watches the tries of model calls made in a block (see :func:`call_scope`)."""

    on_try: OnTry | None = None
    should_stop: Callable[[], bool] | None = None
    """True once the caller wants no more retries (the run is stopping)."""


_SCOPE: ContextVar[CallScope | None] = ContextVar("assay_call_scope", default=None)
_NO_SCOPE = CallScope()


def _scope() -> CallScope:
    return _SCOPE.get() or _NO_SCOPE


@contextmanager
def call_scope(
    *, on_try: OnTry | None = None, should_stop: Callable[[], bool] | None = None
) -> Iterator[None]:
    """Within the block (this thread or task), report every try and honour ``should_stop``.

    A model is built once and shared by many attempts; the scope is how one attempt sees
    its own retries (as events) without the model knowing about attempts.
    """
    token = _SCOPE.set(CallScope(on_try, should_stop))
    try:
        yield
    finally:
        _SCOPE.reset(token)


class Retrier:
    """Runs one model call with bounded, reported retries."""

    def __init__(
        self,
        policy: RetryPolicy | None = None,
        on_try: OnTry | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.policy = policy or RetryPolicy()
        self.on_try = on_try
        self._sleep = sleep

    def run(self, once: Callable[[], Reply], key: str = "") -> Reply:
        """Call ``once`` until it returns, fails permanently, or the budget is spent.

        ``key`` (e.g. task and conversation) seeds the jitter, so concurrent calls do not
        retry in lockstep yet each waits identically on every run.
        """
        rng = random.Random(f"{self.policy.seed}:{key}")
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            start = time.monotonic()
            try:
                reply = once()
            except ModelFault as fault:
                latency = time.monotonic() - start
                if fault.kind != "transient":
                    self._report(attempt, fault.kind, fault, latency, 0.0)
                    raise fault.with_attempts(fault.kind, attempt) from fault
                wait, why = self._next_wait(fault, attempt, waited, rng)
                stop = _scope().should_stop
                if wait is not None and stop is not None and stop():
                    wait, why = None, f"stopped retrying after {attempt} tries: the run is stopping"
                if wait is None:
                    self._report(attempt, "exhausted", fault, latency, 0.0)
                    detail = f"{why}; last fault: {fault.detail}"
                    raise fault.with_attempts("exhausted", attempt, detail) from fault
                self._report(attempt, "transient", fault, latency, wait)
                self._sleep(wait)
                waited += wait
                continue
            self._report(attempt, None, None, time.monotonic() - start, 0.0)
            return dataclasses.replace(reply, attempts=attempt)

    def _next_wait(
        self, fault: ModelFault, attempt: int, waited: float, rng: random.Random
    ) -> tuple[float | None, str]:
        p = self.policy
        if attempt >= p.max_tries:
            return None, f"gave up after {attempt} tries"
        remaining = p.max_total_wait_s - waited
        if fault.retry_after_s is not None:
            # Retrying before the server's Retry-After only earns another 429.
            if fault.retry_after_s > remaining:
                return None, (
                    f"Retry-After {fault.retry_after_s:g}s exceeds the remaining wait budget "
                    f"{remaining:.2f}s"
                )
            return max(fault.retry_after_s, 0.0), ""
        backoff = min(p.max_delay_s, p.base_delay_s * 2 ** (attempt - 1))
        wait = backoff * (1 + p.jitter * rng.uniform(-1.0, 1.0))
        if remaining <= 0:
            return None, f"wait budget of {p.max_total_wait_s:g}s spent after {attempt} tries"
        return min(wait, remaining), ""

    def _report(
        self,
        attempt: int,
        kind: FaultKind | None,
        fault: ModelFault | None,
        latency_s: float,
        wait_s: float,
    ) -> None:
        watchers = [w for w in (self.on_try, _scope().on_try) if w is not None]
        if not watchers:
            return
        report = TryReport(
            attempt=attempt,
            ok=fault is None,
            kind=kind,
            status=fault.status if fault else None,
            detail=fault.detail if fault else "",
            latency_s=latency_s,
            wait_s=wait_s,
        )
        for watch in watchers:
            watch(report)
