"""Intervals for one proportion and for the difference of two independent proportions.

Display uses Wilson (good average coverage); decisions use Clopper–Pearson, whose coverage
is at least nominal by construction — Wilson's one-sided worst case at n = 5–50 is only
0.79–0.86 for a nominal 0.95 (reference/stats.md).
"""

from __future__ import annotations

import math
from statistics import NormalDist

from assay.stats.result import Interval, NotEstimable, Side, tail_probability, too_few


def check_counts(successes: int, n: int) -> None:
    """Raise ``ValueError`` unless ``0 <= successes <= n``."""
    if n < 0 or not 0 <= successes <= n:
        raise ValueError(f"need 0 <= successes <= n, got {successes}/{n}")


def z_quantile(tail: float) -> float:
    """Return the standard normal quantile that leaves ``tail`` above it."""
    return NormalDist().inv_cdf(1.0 - tail)


def wilson_bounds(successes: int, n: int, z: float) -> tuple[float, float]:
    """Return the Wilson score bounds at normal quantile ``z`` (``n`` must be positive)."""
    z2 = z * z
    centre = (successes + z2 / 2.0) / (n + z2)
    half = z * math.sqrt(successes * (n - successes) / n + z2 / 4.0) / (n + z2)
    return max(0.0, centre - half), min(1.0, centre + half)


def _one_sided(interval: tuple[float, float], side: Side) -> tuple[float, float]:
    low, high = interval
    if side == "lower":
        return low, 1.0
    if side == "upper":
        return 0.0, high
    return low, high


def wilson(
    successes: int, n: int, *, confidence: float = 0.95, side: Side = "two-sided"
) -> Interval | NotEstimable:
    """Return the Wilson score interval of ``successes / n``."""
    check_counts(successes, n)
    tail = tail_probability(confidence, side)
    if (short := too_few(n, "attempts")) is not None:
        return short
    low, high = _one_sided(wilson_bounds(successes, n, z_quantile(tail)), side)
    return Interval(successes / n, low, high, confidence, side, "wilson")


def clopper_pearson(
    successes: int, n: int, *, confidence: float = 0.95, side: Side = "two-sided"
) -> Interval | NotEstimable:
    """Return the exact (Clopper–Pearson) interval of ``successes / n``.

    The lower bound is the ``tail`` quantile of Beta(x, n − x + 1), the upper bound the
    ``1 − tail`` quantile of Beta(x + 1, n − x).
    """
    from scipy.special import betaincinv  # type: ignore[import-untyped]

    check_counts(successes, n)
    tail = tail_probability(confidence, side)
    if (short := too_few(n, "attempts")) is not None:
        return short
    low = 0.0 if successes == 0 else float(betaincinv(successes, n - successes + 1, tail))
    high = 1.0 if successes == n else float(betaincinv(successes + 1, n - successes, 1 - tail))
    low, high = _one_sided((low, high), side)
    return Interval(successes / n, low, high, confidence, side, "clopper-pearson")


def newcombe_difference(
    treatment: tuple[int, int],
    control: tuple[int, int],
    *,
    confidence: float = 0.95,
    side: Side = "two-sided",
) -> Interval | NotEstimable:
    """Return Newcombe's hybrid score interval of p_treatment − p_control (independent arms).

    ``treatment`` and ``control`` are ``(successes, n)``. Square-and-add of the two Wilson
    intervals (Newcombe 1998, method 10); for paired arms use
    :func:`assay.stats.paired.newcombe_paired`.
    """
    (x1, n1), (x2, n2) = treatment, control
    check_counts(x1, n1)
    check_counts(x2, n2)
    tail = tail_probability(confidence, side)
    if (short := too_few(min(n1, n2), "attempts in an arm")) is not None:
        return short
    z = z_quantile(tail)
    p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_bounds(x1, n1, z)
    l2, u2 = wilson_bounds(x2, n2, z)
    low = max(-1.0, p1 - p2 - math.hypot(p1 - l1, u2 - p2))
    high = min(1.0, p1 - p2 + math.hypot(u1 - p1, p2 - l2))
    if side == "lower":
        high = 1.0
    elif side == "upper":
        low = -1.0
    return Interval(p1 - p2, low, high, confidence, side, "newcombe-hybrid-score")
