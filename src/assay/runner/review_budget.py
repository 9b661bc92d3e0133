"""The review budget: how much escalation to the costly channel may spend, per attempt and run.

Before an escalation the budget is asked whether one more review fits; if it does not, the
escalation is refused and recorded (``refused_escalations``), and the round goes on with the
automated channels' verdicts alone. A review is counted in four units (``BudgetLimits``):
reviews, oversight cost in the manifest's units (known before the call: ``costs.review``),
dollars and tokens (known only after it). So a review is refused when one more would pass
the ``reviews`` or ``cost`` limit, or when the dollars or tokens already spent have reached
theirs: those two can be passed by the one review that crosses them (and, for the run, by
the reviews of attempts running at the same time). A review whose call faulted has no known
usage and counts no dollars or tokens. The run's spend includes every try already recorded
in ``attempts.jsonl``, so a resumed run does not get its budget back.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

from assay.records.attempt import AttemptRecord, ChannelRecord, RefusedEscalation
from assay.records.manifest import BudgetLimits, ReviewBudget


@dataclass
class Spend:
    """Review spend so far."""

    reviews: int = 0
    cost: float = 0.0
    usd: float = 0.0
    tokens: int = 0

    def add(self, c: ChannelRecord) -> None:
        """Count one review inspection (its unknown dollars or tokens count nothing)."""
        self.reviews += 1
        self.cost += c.cost
        self.usd += c.cost_usd or 0.0
        if c.tokens is not None:
            self.tokens += c.tokens.prompt + c.tokens.completion


def review_spend(channels: Iterable[ChannelRecord]) -> Spend:
    """The spend of the escalation inspections among ``channels``."""
    spend = Spend()
    for c in channels:
        if c.escalation:
            spend.add(c)
    return spend


_EPS = 1e-9


def passed_limit(limits: BudgetLimits | None, spent: Spend, next_cost: float) -> str | None:
    """The limit one more review (of flat cost ``next_cost``) would pass, as text; else None."""
    if limits is None:
        return None
    if limits.reviews is not None and spent.reviews + 1 > limits.reviews:
        return f"reviews: {spent.reviews} of {limits.reviews} spent"
    if limits.cost is not None and spent.cost + next_cost > limits.cost + _EPS:
        return f"cost: {spent.cost:g} spent + {next_cost:g} > {limits.cost:g}"
    if limits.usd is not None and spent.usd >= limits.usd - _EPS:
        return f"usd: {spent.usd:.6f} spent of {limits.usd:g}"
    if limits.tokens is not None and spent.tokens >= limits.tokens:
        return f"tokens: {spent.tokens} spent of {limits.tokens}"
    return None


class ReviewAccount:
    """The run's review spend, shared by the attempts running at once (thread-safe)."""

    def __init__(self, budget: ReviewBudget | None, recorded: Iterable[AttemptRecord]) -> None:
        self.budget = budget
        self._lock = threading.Lock()
        self._spent = review_spend(c for r in recorded for c in r.channels)

    def ask(
        self, attempt: Iterable[ChannelRecord], *, channel: str, round_index: int, cost: float
    ) -> RefusedEscalation | None:
        """Reserve one review, or return the refusal (attempt limits first, then the run's).

        A granted review's flat cost is reserved at once; :meth:`settle` adds what it spent.
        """
        if self.budget is None:
            return None
        limit = passed_limit(self.budget.attempt, review_spend(attempt), cost)
        if limit is not None:
            return RefusedEscalation(
                round=round_index,
                channel=channel,
                reason="attempt_budget",
                limit="attempt." + limit,
            )
        with self._lock:
            limit = passed_limit(self.budget.run, self._spent, cost)
            if limit is not None:
                return RefusedEscalation(
                    round=round_index, channel=channel, reason="run_budget", limit="run." + limit
                )
            self._spent.reviews += 1
            self._spent.cost += cost
        return None

    def settle(self, review: ChannelRecord) -> None:
        """Add the dollars and tokens a granted review spent (known only after its call)."""
        if self.budget is None:
            return
        with self._lock:
            self._spent.usd += review.cost_usd or 0.0
            if review.tokens is not None:
                self._spent.tokens += review.tokens.prompt + review.tokens.completion
