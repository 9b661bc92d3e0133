"""Wilson, Clopper–Pearson and Newcombe intervals against statsmodels."""

from __future__ import annotations

import pytest
from statsmodels.stats.proportion import confint_proportions_2indep, proportion_confint  # type: ignore[import-untyped]

from assay.stats import Interval, NotEstimable, clopper_pearson, newcombe_difference, wilson

GRID = [(x, n) for n in (2, 3, 5, 7, 10, 17, 30, 50) for x in range(n + 1)]


def _interval(result: Interval | NotEstimable) -> Interval:
    assert isinstance(result, Interval), result
    return result


@pytest.mark.parametrize(("x", "n"), GRID)
def test_two_sided_intervals_match_statsmodels(x: int, n: int) -> None:
    for ours, method in ((wilson, "wilson"), (clopper_pearson, "beta")):
        ci = _interval(ours(x, n, confidence=0.95))
        low, high = proportion_confint(x, n, alpha=0.05, method=method)
        assert ci.lower == pytest.approx(low, abs=1e-12)
        assert ci.upper == pytest.approx(high, abs=1e-12)
        assert ci.estimate == x / n


@pytest.mark.parametrize(("x", "n"), GRID[::3])
def test_one_sided_bounds_match_statsmodels(x: int, n: int) -> None:
    # statsmodels' alternative names the hypothesis, not the bound: 'smaller' returns the
    # lower bound (upper fixed at 1), which equals the two-sided 90% lower bound.
    for ours, method in ((wilson, "wilson"), (clopper_pearson, "beta")):
        lower = _interval(ours(x, n, confidence=0.95, side="lower"))
        sm_low, sm_high = proportion_confint(x, n, alpha=0.05, method=method, alternative="smaller")
        two_low, _ = proportion_confint(x, n, alpha=0.10, method=method)
        assert sm_high == 1.0
        assert lower.lower == pytest.approx(sm_low, abs=1e-12)
        assert lower.lower == pytest.approx(two_low, abs=1e-12)
        assert lower.upper == 1.0
        upper = _interval(ours(x, n, confidence=0.95, side="upper"))
        _, two_high = proportion_confint(x, n, alpha=0.10, method=method)
        assert upper.lower == 0.0
        assert upper.upper == pytest.approx(two_high, abs=1e-12)


def test_clopper_pearson_is_never_narrower_than_wilson_on_the_lower_side() -> None:
    for x, n in GRID:
        cp = _interval(clopper_pearson(x, n, side="lower"))
        wi = _interval(wilson(x, n, side="lower"))
        assert cp.lower is not None
        assert wi.lower is not None
        assert cp.lower <= wi.lower + 1e-12


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_attempts_are_not_estimable(n: int) -> None:
    for estimator in (wilson, clopper_pearson):
        result = estimator(n, n)
        assert isinstance(result, NotEstimable)
        assert "at least 2" in result.reason
    assert isinstance(newcombe_difference((1, 1), (0, 5)), NotEstimable)


def test_bad_counts_raise() -> None:
    with pytest.raises(ValueError, match="successes"):
        wilson(5, 4)
    with pytest.raises(ValueError, match="successes"):
        clopper_pearson(-1, 4)
    with pytest.raises(ValueError, match="confidence"):
        wilson(1, 4, confidence=1.0)


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2"),
    [(7, 34, 1, 34), (4, 7, 0, 10), (6, 6, 0, 6), (0, 16, 15, 57), (3, 10, 3, 10), (9, 9, 9, 9)],
)
def test_newcombe_difference_matches_statsmodels(x1: int, n1: int, x2: int, n2: int) -> None:
    ci = _interval(newcombe_difference((x1, n1), (x2, n2)))
    low, high = confint_proportions_2indep(x1, n1, x2, n2, method="newcomb", compare="diff")
    assert ci.lower == pytest.approx(float(low), abs=1e-9)
    assert ci.upper == pytest.approx(float(high), abs=1e-9)
    assert ci.estimate == pytest.approx(x1 / n1 - x2 / n2)
