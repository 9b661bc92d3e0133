"""Exact tests: McNemar and the sign test for paired arms, Fisher and Boschloo for unpaired.

Fisher, Barnard and Boschloo assume independent arms; evaluations on shared tasks are
paired and belong to McNemar (worst-case size of a one-sided 0.05 exact McNemar at
n = 5–30 is 0.032; reference/stats.md).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from assay.stats.paired import Alternative
from assay.stats.proportions import check_counts


def _upper_tail_half(k: int, m: int) -> float:
    """Return P(Bin(m, ½) ≥ k), exactly in integers before the one division."""
    return sum(math.comb(m, j) for j in range(max(k, 0), m + 1)) / (1 << m)


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

    ``greater`` tests that the treatment's success rate is higher.
    """
    from scipy.stats import fisher_exact  # type: ignore[import-untyped]

    return float(fisher_exact(_table(treatment, control), alternative=alternative).pvalue)


def boschloo_pvalue(
    treatment: tuple[int, int], control: tuple[int, int], alternative: Alternative = "greater"
) -> float:
    """Return Boschloo's exact p-value for independent arms given as ``(successes, n)``.

    Boschloo's test is uniformly more powerful than Fisher's at the same size; scipy
    maximises its p-value over the nuisance rate on a grid.
    """
    from scipy.stats import boschloo_exact

    return float(boschloo_exact(_table(treatment, control), alternative=alternative).pvalue)
