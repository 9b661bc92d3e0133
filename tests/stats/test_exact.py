"""Exact tests: seed 004's Fisher p-values, McNemar against a hand-computed binomial tail."""

from __future__ import annotations

from math import comb

import pytest
from statsmodels.stats.contingency_tables import mcnemar  # type: ignore[import-untyped]

from assay.stats import boschloo_pvalue, fisher_pvalue, mcnemar_exact, sign_test


@pytest.mark.parametrize(
    ("treatment", "control", "published"),
    [((4, 7), (0, 10), 0.015), ((4, 7), (0, 7), 0.035), ((6, 6), (0, 6), 0.0011)],
)
def test_fisher_one_sided_matches_seed_004(
    treatment: tuple[int, int], control: tuple[int, int], published: float
) -> None:
    p = fisher_pvalue(treatment, control, "greater")
    assert p == pytest.approx(published, rel=0.03)
    # Boschloo's test is uniformly more powerful at the same size.
    assert boschloo_pvalue(treatment, control, "greater") <= p
    # The direction is the treatment's: the reverse hypothesis has no evidence.
    assert fisher_pvalue(control, treatment, "greater") > 0.9


def test_fisher_exact_values() -> None:
    # Hypergeometric tails by hand. 4/7 vs 0/10: all 4 successes of 17 attempts fell among
    # the treatment's 7, and no table is more extreme: C(4,4)·C(13,3)/C(17,7).
    assert fisher_pvalue((4, 7), (0, 10), "greater") == pytest.approx(comb(13, 3) / comb(17, 7))
    assert fisher_pvalue((6, 6), (0, 6), "greater") == pytest.approx(1 / comb(12, 6))


def test_mcnemar_exact_is_the_binomial_tail() -> None:
    # 1 task only the control solved, 6 only the treatment solved: P(Bin(7, 1/2) >= 6).
    assert mcnemar_exact(6, 1, "greater") == pytest.approx((comb(7, 6) + comb(7, 7)) / 2**7)
    assert mcnemar_exact(6, 1, "greater") == pytest.approx(0.0625)
    assert mcnemar_exact(1, 6, "less") == pytest.approx(0.0625)
    assert mcnemar_exact(6, 0, "greater") == pytest.approx(1 / 64)
    assert mcnemar_exact(0, 0, "greater") == 1.0
    assert mcnemar_exact(0, 5, "greater") == 1.0


@pytest.mark.parametrize(("b", "c"), [(0, 0), (1, 6), (6, 1), (3, 3), (0, 9), (12, 4), (2, 15)])
def test_mcnemar_two_sided_matches_statsmodels(b: int, c: int) -> None:
    reference = mcnemar([[10, b], [c, 10]], exact=True).pvalue
    assert mcnemar_exact(b, c, "two-sided") == pytest.approx(reference)


def test_sign_test_drops_ties() -> None:
    result = sign_test([0.5, 0.2, 0.0, 0.0, -0.1, 0.3, 0.4, 0.6, 0.1])
    assert (result.positive, result.negative, result.ties) == (6, 1, 2)
    assert result.pvalue == pytest.approx(mcnemar_exact(6, 1))


def test_unpaired_tests_reject_empty_arms() -> None:
    with pytest.raises(ValueError, match="at least one attempt"):
        fisher_pvalue((0, 0), (1, 3))
