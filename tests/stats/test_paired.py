"""Paired differences: t bound and p against scipy, Newcombe against a published table."""

from __future__ import annotations

import math
import statistics

import pytest
from scipy import stats as sps  # type: ignore[import-untyped]

from assay.stats import (
    Interval,
    NotEstimable,
    PairedCounts,
    hoeffding_lower_bound,
    hoeffding_pvalue,
    newcombe_paired,
    t_interval,
    t_pvalue,
)
from assay.stats.paired import Alternative

D = [0.2, 0.0, 0.6, -0.2, 0.4, 0.4, 1.0, 0.0, 0.2]


def test_t_interval_matches_scipy() -> None:
    ci = t_interval(D, confidence=0.95)
    assert isinstance(ci, Interval)
    ref = sps.ttest_1samp(D, 0.0).confidence_interval(0.95)
    assert ci.lower == pytest.approx(ref.low)
    assert ci.upper == pytest.approx(ref.high)
    lower = t_interval(D, confidence=0.975, side="lower")
    assert isinstance(lower, Interval)
    ref_low = sps.ttest_1samp(D, 0.0, alternative="greater").confidence_interval(0.975).low
    assert lower.lower == pytest.approx(ref_low)
    assert lower.upper is None


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_t_pvalue_matches_scipy(alternative: Alternative) -> None:
    ours = t_pvalue(D, 0.05, alternative)
    ref = sps.ttest_1samp(D, 0.05, alternative=alternative).pvalue
    assert ours == pytest.approx(ref)


def test_newcombe_paired_matches_published_table() -> None:
    # Cavo et al. (2012) as analysed in Fagerland, Lydersen & Laake, "Statistical Analysis
    # of Contingency Tables", ch. 8: estimate −0.0621, 95% CI −0.1186 to −0.0046.
    ci = newcombe_paired(PairedCounts(both=59, treatment_only=6, control_only=16, neither=80))
    assert isinstance(ci, Interval)
    assert ci.estimate == pytest.approx(-0.0621, abs=5e-5)
    assert ci.lower == pytest.approx(-0.1186, abs=5e-5)
    assert ci.upper == pytest.approx(-0.0046, abs=5e-5)


def test_newcombe_paired_one_sided_equals_two_sided_at_double_alpha() -> None:
    counts = PairedCounts(both=3, treatment_only=7, control_only=1, neither=9)
    one = newcombe_paired(counts, confidence=0.975, side="lower")
    two = newcombe_paired(counts, confidence=0.95)
    assert isinstance(one, Interval)
    assert isinstance(two, Interval)
    assert one.lower == pytest.approx(two.lower)
    assert one.upper == 1.0


def test_paired_counts_from_outcomes() -> None:
    counts = PairedCounts.from_outcomes([1, 1, 0, 0, 1], [1, 0, 1, 0, 0])
    assert counts == PairedCounts(both=1, treatment_only=2, control_only=1, neither=1)
    assert counts.n == 5
    with pytest.raises(ValueError, match="0 or 1"):
        PairedCounts.from_outcomes([2], [0])


def test_hoeffding_bound_and_pvalue() -> None:
    d = [1.0] * 30
    bound = hoeffding_lower_bound(d, 0.025, 2.0)
    assert bound == pytest.approx(1.0 - 2.0 * math.sqrt(math.log(40.0) / 60.0))
    p = hoeffding_pvalue(d, 0.05, 2.0)
    assert p == pytest.approx(math.exp(-2 * 30 * (0.95 / 2.0) ** 2))
    # The bound and the p-value agree: the bound clears the threshold exactly when p < α.
    assert isinstance(p, float)
    assert isinstance(bound, float)
    assert (bound > 0.05) == (p < 0.025)
    assert hoeffding_pvalue([0.0, 0.0], 0.05, 2.0) == 1.0


@pytest.mark.parametrize("d", [[], [0.5]])
def test_fewer_than_two_units_are_not_estimable(d: list[float]) -> None:
    assert isinstance(t_interval(d), NotEstimable)
    assert isinstance(t_pvalue(d), NotEstimable)
    assert isinstance(hoeffding_lower_bound(d, 0.025, 2.0), NotEstimable)
    assert isinstance(newcombe_paired(PairedCounts(len(d), 0, 0, 0)), NotEstimable)


def test_equal_differences_never_give_a_zero_width_interval() -> None:
    # fmean of equal floats need not return the same float; that rounding must not pass
    # for a tiny real spread (it would give a near-zero standard error).
    x, n = next(
        (v, k)
        for v in (0.1, 0.7, 1 / 3, 0.2 / 3, 2 / 7)
        for k in range(2, 40)
        if statistics.fmean([v] * k) != v
    )
    result = t_interval([x] * n)
    assert isinstance(result, NotEstimable)
    assert "zero spread" in result.reason
    assert isinstance(t_pvalue([1.0] * 5), NotEstimable)
