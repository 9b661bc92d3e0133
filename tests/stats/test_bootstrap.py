"""The seeded paired bootstrap: reproducible, and refusing decisions below 30 units."""

from __future__ import annotations

import random

import pytest

from assay.stats import MIN_DECISION_UNITS, Interval, NotEstimable, paired_bootstrap


def _arms(n: int, seed: int = 0) -> tuple[list[float], list[float]]:
    rng = random.Random(seed)
    control = [float(rng.random() < 0.4) for _ in range(n)]
    treatment = [float(rng.random() < 0.6) for _ in range(n)]
    return treatment, control


def test_same_seed_same_interval() -> None:
    t, c = _arms(12)
    first = paired_bootstrap(t, c, seed=7)
    assert first == paired_bootstrap(t, c, seed=7)
    assert isinstance(first, Interval)
    assert first.lower is not None
    assert first.upper is not None
    assert first.lower <= first.estimate <= first.upper
    assert first.method == "bootstrap-percentile"


def test_one_sided_lower_bound() -> None:
    t, c = _arms(40)
    result = paired_bootstrap(t, c, seed=1, side="lower", confidence=0.975, purpose="decision")
    assert isinstance(result, Interval)
    assert result.upper is None
    assert result.lower is not None
    assert result.lower < result.estimate


def test_refuses_decisions_below_30_units() -> None:
    t, c = _arms(MIN_DECISION_UNITS - 1)
    result = paired_bootstrap(t, c, seed=1, purpose="decision")
    assert isinstance(result, NotEstimable)
    assert "30" in result.reason
    assert isinstance(paired_bootstrap(t, c, seed=1, purpose="display"), Interval)
    t, c = _arms(MIN_DECISION_UNITS)
    assert isinstance(paired_bootstrap(t, c, seed=1, purpose="decision"), Interval)


def test_not_estimable_without_spread_or_units() -> None:
    assert isinstance(paired_bootstrap([1.0], [0.0], seed=0), NotEstimable)
    assert isinstance(paired_bootstrap([1.0] * 5, [0.0] * 5, seed=0), NotEstimable)
    with pytest.raises(ValueError, match="same number"):
        paired_bootstrap([1.0, 0.0], [0.0], seed=0)
