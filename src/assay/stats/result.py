"""The values every estimator returns: an interval, or an explicit *not estimable*.

An estimator that cannot say anything honest (one unit, no spread, too few samples) returns
:class:`NotEstimable` with a reason instead of a zero standard error or a zero-width
interval: a popular framework reports SE = 0 from one sample, which reads as certainty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Side = Literal["two-sided", "lower", "upper"]
"""Which bounds an interval carries: both, only a lower bound, or only an upper bound."""

MIN_UNITS = 2
"""Below two units no spread can be seen, so no interval or standard error is reported."""


@dataclass(frozen=True)
class NotEstimable:
    """An estimate that the data cannot support, and why."""

    reason: str


@dataclass(frozen=True)
class Interval:
    """A point estimate with a confidence interval.

    ``lower`` or ``upper`` is ``None`` when that side is unbounded (a one-sided interval of
    a quantity without a natural limit).
    """

    estimate: float
    lower: float | None
    upper: float | None
    confidence: float
    side: Side
    method: str


def tail_probability(confidence: float, side: Side) -> float:
    """Return the probability each bounded tail holds for a confidence level and side."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence}")
    return (1.0 - confidence) / 2.0 if side == "two-sided" else 1.0 - confidence


SPREAD_TOLERANCE = 1e-9
"""Relative width below which values count as all equal: float rounding (a mean of equal
values need not return that value exactly) must not pass for real, tiny spread."""


def no_spread(values: Sequence[float]) -> bool:
    """Return True when the values are equal up to floating-point rounding."""
    low, high = min(values), max(values)
    return high - low <= SPREAD_TOLERANCE * max(abs(low), abs(high))


def too_few(n: int, what: str = "units") -> NotEstimable | None:
    """Return a :class:`NotEstimable` when ``n`` is below :data:`MIN_UNITS`, else ``None``."""
    if n < MIN_UNITS:
        return NotEstimable(f"{n} {what}: at least {MIN_UNITS} are needed to estimate spread")
    return None
