"""Holm's step-down adjustment: familywise error control for a family of claims.

Each claim is a decision, so assay controls the familywise error rate (the chance of any
false claim), not the false discovery rate. Holm is uniformly more powerful than
Bonferroni and needs no assumption on how the tests depend on each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class HolmResult:
    """Holm's decisions, in the order the p-values were given."""

    adjusted: list[float]
    """Holm-adjusted p-values: reject exactly where ``adjusted <= alpha``."""
    reject: list[bool]
    thresholds: list[float]
    """The level α/(m − j + 1) each p-value was compared against at its rank j."""


def holm(pvalues: Sequence[float], alpha: float) -> HolmResult:
    """Return Holm's step-down decisions: reject in order while p₍ⱼ₎ ≤ α/(m − j + 1)."""
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    if any(not 0.0 <= p <= 1.0 for p in pvalues):
        raise ValueError("p-values must lie in [0, 1]")
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    adjusted = [0.0] * m
    thresholds = [0.0] * m
    running = 0.0
    for rank, i in enumerate(order):
        # The running maximum keeps adjusted p-values monotone in rank, so a claim is never
        # rejected after a smaller p-value was not.
        running = max(running, min(1.0, (m - rank) * pvalues[i]))
        adjusted[i] = running
        thresholds[i] = alpha / (m - rank)
    return HolmResult(adjusted, [a <= alpha for a in adjusted], thresholds)
