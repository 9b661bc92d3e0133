"""The statistics one claim is decided on, computed from its paired units.

Lower bound (at the per-look alpha): the Student-t bound; with one binary attempt per task
also Newcombe's paired bound, keeping the smaller; when every difference is equal the t
bound has no spread to use and Hoeffding's bound takes its place. Direction: the exact sign
test on units whose difference is not zero (exact McNemar with one attempt per task).

Non-inferiority (H0: difference ≤ −margin) claims no direction, so there is no sign test.
With one binary attempt per unit and arm the bound is exact and needs no spread: the
difference is at least minus the share of units the treatment lost, so its lower bound is
minus the Clopper–Pearson upper bound of that share, and the p-value is the exact binomial
P(losses ≤ observed) at a loss rate of the margin (H0 implies a loss rate of at least the
margin). Otherwise the t bound (Hoeffding when every difference is equal) against −margin.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from assay.claims.data import Units
from assay.records.claim import Bound, ClaimSpec
from assay.stats.exact import sign_test
from assay.stats.paired import (
    hoeffding_lower_bound,
    hoeffding_pvalue,
    newcombe_paired,
    t_interval,
    t_pvalue,
)
from assay.stats.proportions import clopper_pearson
from assay.stats.result import MIN_UNITS, Interval


@dataclass(frozen=True)
class Evidence:
    """What the data say about one claim; ``None`` where they cannot say it."""

    n: int
    mean_difference: float | None
    lower_bound: float | None
    bound: Bound | None
    discordant: int
    p_t: float | None
    p_sign: float | None
    directional: bool = True
    """Whether the claim needs the sign test (superiority); non-inferiority does not."""

    @property
    def p_claim(self) -> float | None:
        """Return max(p_t, p_sign): both the size and the direction of the gain must hold.

        Non-inferiority: ``p_t`` alone (its exact binomial p with binary pairs).
        """
        if not self.directional:
            return self.p_t
        if self.p_t is None or self.p_sign is None:
            return None
        return max(self.p_t, self.p_sign)


def weigh(spec: ClaimSpec, units: Units) -> Evidence:
    """Compute the bounds and p-values of one claim from its units."""
    d = units.differences
    n = len(d)
    discordant = sum(v != 0 for v in d)
    if n < MIN_UNITS:
        mean = statistics.fmean(d) if d else None
        return Evidence(n, mean, None, None, discordant, None, None)
    alpha = spec.alpha_per_look
    if spec.hypothesis == "non_inferiority":
        return _non_inferiority(spec, units, discordant)
    low, high = spec.bounds
    span = 2.0 * (high - low)  # differences of values in [low, high] lie in ±(high − low)
    bounds: dict[Bound, float] = {}
    t = t_interval(d, confidence=1.0 - alpha, side="lower")
    p_t = t_pvalue(d, spec.threshold, "greater")
    if isinstance(t, Interval) and t.lower is not None and isinstance(p_t, float):
        bounds["t"] = t.lower
    else:
        hoeffding = hoeffding_lower_bound(d, alpha, span)
        p_t = hoeffding_pvalue(d, spec.threshold, span)
        if isinstance(hoeffding, float):
            bounds["hoeffding"] = hoeffding
    if units.paired is not None:
        nc = newcombe_paired(units.paired, confidence=1.0 - alpha, side="lower")
        if isinstance(nc, Interval) and nc.lower is not None:
            bounds["newcombe"] = nc.lower * (high - low)
    smallest = min(bounds.items(), key=lambda item: item[1]) if bounds else None
    return Evidence(
        n=n,
        mean_difference=statistics.fmean(d),
        lower_bound=smallest[1] if smallest is not None else None,
        bound=smallest[0] if smallest is not None else None,
        discordant=discordant,
        p_t=p_t if isinstance(p_t, float) else None,
        p_sign=sign_test(d, "greater").pvalue,
    )


def _non_inferiority(spec: ClaimSpec, units: Units, discordant: int) -> Evidence:
    """Bound and p-value of H0: difference ≤ −margin (see the module docstring)."""
    d = units.differences
    n = len(d)
    alpha = spec.alpha_per_look
    low, high = spec.bounds
    width = high - low
    mean = statistics.fmean(d)
    if units.paired is not None:
        losses = units.paired.control_only
        upper = clopper_pearson(losses, n, confidence=1.0 - alpha, side="upper")
        if not isinstance(upper, Interval) or upper.upper is None:
            return Evidence(n, mean, None, None, discordant, None, None, directional=False)
        # H0 (difference ≤ threshold < 0) implies a loss rate of at least −threshold / width.
        rate = -spec.threshold / width
        exact = 1.0 if rate <= 0 else _binomial_cdf(losses, n, min(rate, 1.0))
        return Evidence(
            n, mean, -upper.upper * width, "clopper_pearson_losses", discordant, exact, None, False
        )
    bound: Bound
    lower: float
    t = t_interval(d, confidence=1.0 - alpha, side="lower")
    p_t = t_pvalue(d, spec.threshold, "greater")
    if isinstance(t, Interval) and t.lower is not None and isinstance(p_t, float):
        lower, bound = float(t.lower), "t"
    else:
        hoeffding = hoeffding_lower_bound(d, alpha, 2.0 * width)
        p_t = hoeffding_pvalue(d, spec.threshold, 2.0 * width)
        if not isinstance(hoeffding, float):
            return Evidence(n, mean, None, None, discordant, None, None, directional=False)
        lower, bound = hoeffding, "hoeffding"
    p: float | None = p_t if isinstance(p_t, float) else None
    return Evidence(n, mean, lower, bound, discordant, p, None, directional=False)


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(Binomial(n, p) ≤ k), exactly (the regularized incomplete beta function)."""
    from scipy.special import betainc  # type: ignore[import-untyped]

    if k >= n or p <= 0.0:
        return 1.0
    if p >= 1.0:
        return 0.0
    return float(betainc(n - k, k + 1, 1.0 - p))
