"""Exact tests: seed 004's Fisher p-values, McNemar against a hand-computed binomial tail."""

from __future__ import annotations

import math
from math import comb

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.contingency_tables import mcnemar  # type: ignore[import-untyped]

from assay.stats import boschloo_pvalue, fisher_pvalue, mcnemar_exact, sign_test
from assay.stats.paired import Alternative


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


# Issue 19, item 14: large counts exhausted memory after a minute. The fallbacks' cost does
# not grow with the counts, and each stays on the conservative or the agreeing side.
@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 120).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(1, 120).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.sampled_from(["greater", "less", "two-sided"]),
)
def test_boschloo_never_exceeds_fisher(
    t: tuple[int, int], c: tuple[int, int], alternative: Alternative
) -> None:
    # Why Fisher's p-values bound Boschloo's above the size limit (two-sided, scipy's
    # Boschloo doubles its smaller tail, so the bound does too).
    if alternative == "two-sided":
        tails = fisher_pvalue(t, c, "greater"), fisher_pvalue(t, c, "less")
        bound = min(1.0, 2 * min(tails))
    else:
        bound = fisher_pvalue(t, c, alternative)
    assert boschloo_pvalue(t, c, alternative) <= bound + 1e-9


def test_above_the_limits_the_fallbacks_answer() -> None:
    from assay.stats.exact import BOSCHLOO_MAX_TABLES, FISHER_MAX_N

    big = (600, 1000), (500, 1000)
    assert BOSCHLOO_MAX_TABLES < (1000 + 1) ** 2
    assert boschloo_pvalue(*big) == fisher_pvalue(*big)  # one-sided ("greater")
    huge = (600_000_000, 1_000_000_000), (500_000_000, 1_000_000_000)
    assert FISHER_MAX_N < 2 * 10**9
    assert fisher_pvalue(*huge) == 0.0 and boschloo_pvalue(*huge) == 0.0
    even = (500_000_000, 1_000_000_000), (500_000_000, 1_000_000_000)
    assert fisher_pvalue(*even, "two-sided") == 1.0
    assert 0.49 < fisher_pvalue(*even, "greater") < 0.51


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_the_z_test_agrees_with_fisher_at_the_limit(alternative: Alternative) -> None:
    from assay.stats.exact import _z_test

    t, c = (500_700, 1_000_000), (499_300, 1_000_000)
    assert _z_test(t, c, alternative) == pytest.approx(
        fisher_pvalue(t, c, alternative), rel=0.05, abs=1e-6
    )


def test_mcnemar_beyond_the_integer_sum_agrees_with_it() -> None:
    from assay.stats.exact import MCNEMAR_EXACT_MAX

    b, c = 1_040, MCNEMAR_EXACT_MAX - 1_040 + 1  # just past the limit
    exact = sum(math.comb(b + c, j) for j in range(b, b + c + 1)) / 2 ** (b + c)
    assert mcnemar_exact(b, c, "greater") == pytest.approx(exact, rel=1e-9)
    assert 0 <= mcnemar_exact(10**9, 10**9 + 5, "two-sided") <= 1
