"""Holm's adjustment against statsmodels' multipletests."""

from __future__ import annotations

import random

import pytest
from statsmodels.stats.multitest import multipletests  # type: ignore[import-untyped]

from assay.stats import holm


@pytest.mark.parametrize("seed", range(20))
def test_matches_statsmodels(seed: int) -> None:
    rng = random.Random(seed)
    m = rng.randint(1, 12)
    pvalues = [rng.choice([rng.random() * 0.06, rng.random()]) for _ in range(m)]
    ours = holm(pvalues, 0.05)
    reject, adjusted, _, _ = multipletests(pvalues, alpha=0.05, method="holm")
    assert ours.reject == list(reject)
    assert ours.adjusted == pytest.approx(list(adjusted))


def test_step_down_thresholds() -> None:
    result = holm([0.01, 0.04, 0.03, 0.2], 0.05)
    assert result.thresholds == pytest.approx([0.05 / 4, 0.05 / 2, 0.05 / 3, 0.05])
    assert result.reject == [True, False, False, False]


def test_stops_at_the_first_failure() -> None:
    # 0.03 > 0.05/2 stops the procedure, so 0.04 <= 0.05 is not rejected either.
    assert holm([0.03, 0.04], 0.05).reject == [False, False]
    assert holm([0.03, 0.04], 0.05).adjusted == pytest.approx([0.06, 0.06])
    assert holm([0.02, 0.04], 0.05).reject == [True, True]


def test_invalid_input() -> None:
    with pytest.raises(ValueError, match="p-values"):
        holm([1.5], 0.05)
    with pytest.raises(ValueError, match="alpha"):
        holm([0.5], 0.0)
