"""Minimum detectable effect and required n."""

from __future__ import annotations

import math

import pytest
from scipy import stats as sps  # type: ignore[import-untyped]

from assay.stats import NotEstimable, min_discordant_units, minimum_detectable_effect, required_n


def test_mde_uses_t_quantiles() -> None:
    n, sd = 20, 0.4
    expected = (sps.t.ppf(0.975, n - 1) + sps.t.ppf(0.8, n - 1)) * sd / math.sqrt(n)
    assert minimum_detectable_effect(sd, n, alpha=0.025, power=0.8) == pytest.approx(expected)


def test_mde_approaches_the_normal_formula_at_large_n() -> None:
    n, sd = 100_000, 1.0
    z = sps.norm.ppf(0.975) + sps.norm.ppf(0.8)
    assert minimum_detectable_effect(sd, n) == pytest.approx(z * sd / math.sqrt(n), rel=1e-3)


@pytest.mark.parametrize(("effect", "sd"), [(0.2, 0.5), (0.3, 0.5), (0.1, 0.3), (1.0, 0.5)])
def test_required_n_is_the_smallest_sufficient(effect: float, sd: float) -> None:
    n = required_n(effect, sd)
    assert isinstance(n, int)
    mde = minimum_detectable_effect(sd, n)
    assert isinstance(mde, float)
    assert mde <= effect
    if n > 2:
        previous = minimum_detectable_effect(sd, n - 1)
        assert isinstance(previous, float)
        assert previous > effect


def test_not_estimable_cases() -> None:
    assert isinstance(minimum_detectable_effect(0.5, 1), NotEstimable)
    assert isinstance(required_n(1e-6, 10.0), NotEstimable)
    with pytest.raises(ValueError, match="positive"):
        required_n(0.0, 0.5)


def test_min_discordant_units() -> None:
    assert min_discordant_units(0.025) == 6
    assert 2.0**-6 <= 0.025 < 2.0**-5
    assert min_discordant_units(0.05) == 5
    assert min_discordant_units(0.0125) == 7
