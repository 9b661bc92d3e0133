"""Planning: the smallest effect an experiment can detect, and the units needed for one.

stats.md gives the large-sample form (z₁₋α + z₁₋β)·sd/√n. At 5–30 units the normal
quantiles understate the t test's needs, so these functions use Student-t quantiles with
n − 1 degrees of freedom (a close approximation to the exact noncentral-t power).
"""

from __future__ import annotations

import math

from assay.stats.proportions import z_quantile
from assay.stats.result import NotEstimable, too_few

MAX_UNITS = 1_000_000
"""Search ceiling for :func:`required_n`; an effect needing more is reported as not estimable."""


def _check(alpha: float, power: float) -> None:
    if not 0.0 < alpha < 0.5:
        raise ValueError(f"alpha must lie in (0, 0.5), got {alpha}")
    if not 0.0 < power < 1.0:
        raise ValueError(f"power must lie in (0, 1), got {power}")


def minimum_detectable_effect(
    sd: float, n: int, *, alpha: float = 0.025, power: float = 0.8
) -> float | NotEstimable:
    """Return the mean difference a one-sided level-``alpha`` t test detects with ``power``.

    ``sd`` is the standard deviation of the per-unit differences (from a pilot or a
    worst case: 1 for binary outcomes on both arms); the result is in the metric's units,
    above whatever margin a claim must clear.
    """
    from scipy.special import stdtrit  # type: ignore[import-untyped]

    _check(alpha, power)
    if sd < 0:
        raise ValueError(f"sd must be non-negative, got {sd}")
    if (short := too_few(n)) is not None:
        return short
    df = n - 1
    return (float(stdtrit(df, 1 - alpha)) + float(stdtrit(df, power))) * sd / math.sqrt(n)


def required_n(
    effect: float, sd: float, *, alpha: float = 0.025, power: float = 0.8
) -> int | NotEstimable:
    """Return the fewest units whose minimum detectable effect is at most ``effect``."""
    _check(alpha, power)
    if effect <= 0 or sd <= 0:
        raise ValueError("effect and sd must be positive")
    # The normal approximation never overshoots the t answer, so search upwards from it.
    n = max(2, math.ceil(((z_quantile(alpha) + z_quantile(1 - power)) * sd / effect) ** 2))
    while n <= MAX_UNITS:
        mde = minimum_detectable_effect(sd, n, alpha=alpha, power=power)
        if isinstance(mde, float) and mde <= effect:
            return n
        n += 1
    return NotEstimable(f"an effect of {effect:g} at sd {sd:g} needs more than {MAX_UNITS} units")


def min_discordant_units(alpha: float) -> int:
    """Return the fewest non-tied units with which an exact one-sided sign test can reach ``alpha``.

    With m discordant units the smallest attainable p-value is 2⁻ᵐ.
    """
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    return math.ceil(math.log2(1.0 / alpha))
