"""Exact tests: McNemar and the sign test for paired arms, Fisher and Boschloo for unpaired.

Fisher, Barnard and Boschloo assume independent arms; evaluations on shared tasks are
paired and belong to McNemar (worst-case size of a one-sided 0.05 exact McNemar at
n = 5–30 is 0.032; reference/stats.md).

Cost is bounded at any count. Boschloo's test enumerates every table of the two arms'
sizes, so above :data:`BOSCHLOO_MAX_TABLES` tables it reports a bound from Fisher's p-values
instead: Boschloo orders tables by Fisher's p and is never less powerful, so one-sided it is
at most Fisher's p, and two-sided at most twice the smaller one-sided Fisher p (scipy's
two-sided Boschloo doubles its smaller tail). The answer stays conservative. Fisher's
test itself gives way to the pooled two-sample z-test above :data:`FISHER_MAX_N` attempts
in all, where the two agree closely. McNemar's binomial tail is summed in integers up to
:data:`MCNEMAR_EXACT_MAX` discordant pairs and read from the regularized incomplete beta
function beyond.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from assay.stats.paired import Alternative
from assay.stats.proportions import check_counts

BOSCHLOO_MAX_TABLES: Final = 62_500
"""(n1 + 1)(n2 + 1) above which Boschloo's p-value is reported as Fisher's (an upper bound);
about 250 attempts per arm, under a second on one core."""
FISHER_MAX_N: Final = 2_000_000
"""n1 + n2 above which Fisher's test is replaced by the pooled z-test."""
MCNEMAR_EXACT_MAX: Final = 2_000
"""Discordant pairs up to which McNemar's tail is summed exactly in integers."""


def boschloo_is_exact(treatment: tuple[int, int], control: tuple[int, int]) -> bool:
    """Whether :func:`boschloo_pvalue` computes Boschloo's test itself at these sizes."""
    return (treatment[1] + 1) * (control[1] + 1) <= BOSCHLOO_MAX_TABLES


def fisher_is_exact(treatment: tuple[int, int], control: tuple[int, int]) -> bool:
    """Whether :func:`fisher_pvalue` computes Fisher's exact test at these sizes."""
    return treatment[1] + control[1] <= FISHER_MAX_N


def _upper_tail_half(k: int, m: int) -> float:
    """Return P(Bin(m, ½) ≥ k): in integers before the one division, or from scipy's beta."""
    if k <= 0:
        return 1.0
    if m > MCNEMAR_EXACT_MAX:
        from scipy.stats import binom  # type: ignore[import-untyped]

        return float(binom.sf(k - 1, m, 0.5))
    return sum(math.comb(m, j) for j in range(k, m + 1)) / (1 << m)


def _z_test(
    treatment: tuple[int, int], control: tuple[int, int], alternative: Alternative
) -> float:
    """The pooled two-sample z-test of the success rates (Fisher's large-sample limit)."""
    (x1, n1), (x2, n2) = treatment, control
    pooled = (x1 + x2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var <= 0:
        return 1.0  # every attempt of both arms succeeded, or none did: no evidence
    z = (x1 / n1 - x2 / n2) / math.sqrt(var)
    upper = 0.5 * math.erfc(z / math.sqrt(2))
    if alternative == "greater":
        return upper
    if alternative == "less":
        return 1.0 - upper
    return min(1.0, math.erfc(abs(z) / math.sqrt(2)))


def mcnemar_exact(
    treatment_only: int, control_only: int, alternative: Alternative = "greater"
) -> float:
    """Return the exact McNemar p-value from the two discordant counts.

    ``greater`` tests that the treatment wins more discordant pairs:
    p = P(Bin(b + c, ½) ≥ treatment_only). ``two-sided`` doubles the smaller tail (capped
    at 1), as statsmodels' ``mcnemar(exact=True)`` does. No discordant pair gives p = 1.
    """
    if treatment_only < 0 or control_only < 0:
        raise ValueError("discordant counts must be non-negative")
    m = treatment_only + control_only
    if alternative == "greater":
        return _upper_tail_half(treatment_only, m)
    if alternative == "less":
        return _upper_tail_half(control_only, m)
    smaller = min(_upper_tail_half(treatment_only, m), _upper_tail_half(control_only, m))
    return min(1.0, 2.0 * smaller)


@dataclass(frozen=True)
class SignTest:
    """The exact sign test of paired differences against zero."""

    positive: int
    negative: int
    ties: int
    """Units whose difference is exactly zero: they carry no evidence of direction."""
    pvalue: float


def sign_test(d: Sequence[float], alternative: Alternative = "greater") -> SignTest:
    """Return the exact sign test of the differences ``d`` (ties dropped).

    With one binary attempt per unit this is exactly McNemar's test.
    """
    positive = sum(v > 0 for v in d)
    negative = sum(v < 0 for v in d)
    p = mcnemar_exact(positive, negative, alternative)
    return SignTest(positive, negative, len(d) - positive - negative, p)


def _table(treatment: tuple[int, int], control: tuple[int, int]) -> list[list[int]]:
    """Return the 2×2 table with one column per arm (successes on the first row)."""
    (x1, n1), (x2, n2) = treatment, control
    check_counts(x1, n1)
    check_counts(x2, n2)
    if n1 == 0 or n2 == 0:
        raise ValueError("each arm needs at least one attempt")
    return [[x1, x2], [n1 - x1, n2 - x2]]


def fisher_pvalue(
    treatment: tuple[int, int], control: tuple[int, int], alternative: Alternative = "greater"
) -> float:
    """Return Fisher's exact p-value for independent arms given as ``(successes, n)``.

    ``greater`` tests that the treatment's success rate is higher. Above
    :data:`FISHER_MAX_N` attempts in all, the pooled z-test's p-value (see the module).
    """
    from scipy.stats import fisher_exact

    table = _table(treatment, control)
    if not fisher_is_exact(treatment, control):
        return _z_test(treatment, control, alternative)
    return float(fisher_exact(table, alternative=alternative).pvalue)


def boschloo_pvalue(
    treatment: tuple[int, int], control: tuple[int, int], alternative: Alternative = "greater"
) -> float:
    """Return Boschloo's exact p-value for independent arms given as ``(successes, n)``.

    Boschloo's test is uniformly more powerful than Fisher's at the same size; scipy
    maximises its p-value over the nuisance rate on a grid. Above
    :data:`BOSCHLOO_MAX_TABLES` tables, a bound from Fisher's p-values (see the module).
    """
    from scipy.stats import boschloo_exact

    table = _table(treatment, control)
    if not boschloo_is_exact(treatment, control):
        return _fisher_bound(treatment, control, alternative)
    return float(boschloo_exact(table, alternative=alternative).pvalue)


def _fisher_bound(
    treatment: tuple[int, int], control: tuple[int, int], alternative: Alternative
) -> float:
    """An upper bound of Boschloo's p-value from Fisher's, as scipy defines both.

    One-sided, Boschloo's p never exceeds Fisher's. Two-sided, scipy's Boschloo doubles
    the smaller one-sided p, so the bound doubles the smaller one-sided Fisher p.
    """
    if alternative != "two-sided":
        return fisher_pvalue(treatment, control, alternative)
    tails = [fisher_pvalue(treatment, control, side) for side in ("greater", "less")]
    return min(1.0, 2.0 * min(tails))


def fisher_greater_exact(treatment: tuple[int, int], control: tuple[int, int]) -> float:
    """Return Fisher's one-sided exact p that the treatment's rate is higher, in integers.

    Given both arms' sizes and the total of successes, the treatment's successes follow the
    hypergeometric law; p = P(X ≥ x_treatment), summed as binomial coefficients before the
    one division, so it is exact at any size (no floating-point tail). 4/7 against 0/10
    gives C(7,4)·C(10,0)/C(17,4) = 35/2380 = 0.0147.
    """
    (x1, n1), (x2, n2) = treatment, control
    _table(treatment, control)  # validates the counts
    m = x1 + x2
    top = min(n1, m)
    tail = sum(math.comb(n1, x) * math.comb(n2, m - x) for x in range(x1, top + 1))
    return tail / math.comb(n1 + n2, m)


def fisher_greater_floor(treatment: tuple[int, int], control: tuple[int, int]) -> float:
    """Return the smallest one-sided Fisher p any table with these margins can reach.

    Conditional on the margins, the most extreme table puts as many of the successes in
    the treatment arm as fit; no data with these margins can do better.
    """
    (x1, n1), (x2, n2) = treatment, control
    m = x1 + x2
    best = min(n1, m)
    return fisher_greater_exact((best, n1), (m - best, n2))
