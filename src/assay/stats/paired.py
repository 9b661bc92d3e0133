"""Bounds on a mean paired difference d_i = treatment_i − control_i over shared units.

Evaluations are paired (the same tasks in both arms), so the unit of analysis is the task
and its difference, never the pooled attempts (Miller 2024, "Adding Error Bars to Evals").
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from assay.stats.proportions import wilson_bounds, z_quantile
from assay.stats.result import (
    Interval,
    NotEstimable,
    Side,
    no_spread,
    tail_probability,
    too_few,
)

Alternative = Literal["greater", "less", "two-sided"]


@dataclass(frozen=True)
class PairedCounts:
    """The paired 2×2 table of binary outcomes on shared units (one attempt per arm)."""

    both: int
    treatment_only: int
    """Units the treatment solved and the control did not (a discordant pair)."""
    control_only: int
    """Units the control solved and the treatment did not (the other discordant pair)."""
    neither: int

    def __post_init__(self) -> None:
        if min(self.both, self.treatment_only, self.control_only, self.neither) < 0:
            raise ValueError(f"paired counts must be non-negative: {self}")

    @property
    def n(self) -> int:
        """Return the number of paired units."""
        return self.both + self.treatment_only + self.control_only + self.neither

    @classmethod
    def from_outcomes(cls, treatment: Sequence[int], control: Sequence[int]) -> PairedCounts:
        """Tabulate per-unit 0/1 outcomes of the two arms (same order, same length)."""
        if len(treatment) != len(control):
            raise ValueError("paired outcomes need the same number of units in both arms")
        if any(v not in (0, 1) for v in (*treatment, *control)):
            raise ValueError("paired outcomes must be 0 or 1")
        pairs = list(zip(treatment, control, strict=True))
        return cls(
            both=pairs.count((1, 1)),
            treatment_only=pairs.count((1, 0)),
            control_only=pairs.count((0, 1)),
            neither=pairs.count((0, 0)),
        )


def _spread(d: Sequence[float]) -> tuple[float, float] | NotEstimable:
    """Return mean and sample standard deviation, or why there is no spread to use."""
    if (short := too_few(len(d))) is not None:
        return short
    mean = statistics.fmean(d)
    if no_spread(d):
        return NotEstimable(
            f"all {len(d)} differences equal {mean:g}: zero spread would give a zero-width"
            " interval; use the Hoeffding bound instead"
        )
    # statistics.stdev is exact but slow (fractions); fsum keeps the sum accurate at speed.
    return mean, math.sqrt(math.fsum((v - mean) ** 2 for v in d) / (len(d) - 1))


def t_interval(
    d: Sequence[float], *, confidence: float = 0.95, side: Side = "two-sided"
) -> Interval | NotEstimable:
    """Return the Student-t interval of the mean difference: mean ± t(n−1)·sd/√n."""
    from scipy.special import stdtrit  # type: ignore[import-untyped]

    tail = tail_probability(confidence, side)
    spread = _spread(d)
    if isinstance(spread, NotEstimable):
        return spread
    mean, sd = spread
    half = float(stdtrit(len(d) - 1, 1.0 - tail)) * sd / math.sqrt(len(d))
    low = None if side == "upper" else mean - half
    high = None if side == "lower" else mean + half
    return Interval(mean, low, high, confidence, side, "t")


def t_pvalue(
    d: Sequence[float], threshold: float = 0.0, alternative: Alternative = "greater"
) -> float | NotEstimable:
    """Return the one-sample t test p-value of mean(d) against ``threshold``."""
    from scipy.special import stdtr

    spread = _spread(d)
    if isinstance(spread, NotEstimable):
        return spread
    mean, sd = spread
    t = (mean - threshold) / (sd / math.sqrt(len(d)))
    df = len(d) - 1
    if alternative == "greater":
        return float(stdtr(df, -t))
    if alternative == "less":
        return float(stdtr(df, t))
    return min(1.0, 2.0 * float(stdtr(df, -abs(t))))


def hoeffding_lower_bound(d: Sequence[float], alpha: float, span: float) -> float | NotEstimable:
    """Return Hoeffding's lower bound mean(d) − span·√(ln(1/α)/(2n)) at level ``alpha``.

    Valid for any differences within a range of width ``span`` (2 for metrics in [0, 1]).
    It needs no variance estimate, so it stays honest when every difference is equal.
    """
    if (short := too_few(len(d))) is not None:
        return short
    return statistics.fmean(d) - span * math.sqrt(math.log(1.0 / alpha) / (2.0 * len(d)))


def hoeffding_pvalue(d: Sequence[float], threshold: float, span: float) -> float | NotEstimable:
    """Return Hoeffding's bound on P(mean ≥ observed) when the true mean is ``threshold``."""
    if (short := too_few(len(d))) is not None:
        return short
    excess = statistics.fmean(d) - threshold
    if excess <= 0.0:
        return 1.0
    return math.exp(-2.0 * len(d) * (excess / span) ** 2)


def newcombe_paired(
    counts: PairedCounts, *, confidence: float = 0.95, side: Side = "two-sided"
) -> Interval | NotEstimable:
    """Return Newcombe's square-and-add interval of p_treatment − p_control for paired data.

    Wilson intervals of the two marginal rates combined with the correlation-corrected
    square-and-add rule (Newcombe 1998, method 10; as in Fagerland, Lydersen & Laake,
    *Statistical Analysis of Contingency Tables*, ch. 8).
    """
    tail = tail_probability(confidence, side)
    n = counts.n
    if (short := too_few(n)) is not None:
        return short
    z = z_quantile(tail)
    x1 = counts.both + counts.treatment_only
    x2 = counts.both + counts.control_only
    p1, p2 = x1 / n, x2 / n
    l1, u1 = wilson_bounds(x1, n, z)
    l2, u2 = wilson_bounds(x2, n, z)
    psi = _newcombe_phi(counts)
    a, b = p1 - l1, u2 - p2
    c, e = p2 - l2, u1 - p1
    # Clamp at 0: rounding can push the radicand a hair below zero when psi is near 1.
    low = p1 - p2 - math.sqrt(max(0.0, a * a + b * b - 2.0 * psi * a * b))
    high = p1 - p2 + math.sqrt(max(0.0, c * c + e * e - 2.0 * psi * c * e))
    return Interval(
        p1 - p2,
        -1.0 if side == "upper" else low,
        1.0 if side == "lower" else high,
        confidence,
        side,
        "newcombe-paired",
    )


def _newcombe_phi(counts: PairedCounts) -> float:
    """Return Newcombe's continuity-corrected correlation of the two marginal rates."""
    row1 = counts.both + counts.treatment_only
    row2 = counts.control_only + counts.neither
    col1 = counts.both + counts.control_only
    col2 = counts.treatment_only + counts.neither
    if 0 in (row1, row2, col1, col2):
        return 0.0
    cross = counts.both * counts.neither - counts.treatment_only * counts.control_only
    half_n = counts.n / 2.0
    if cross > half_n:
        cross_corrected = cross - half_n
    elif cross >= 0:
        cross_corrected = 0.0
    else:
        cross_corrected = float(cross)
    return cross_corrected / math.sqrt(row1 * row2 * col1 * col2)
