"""Cluster-robust standard error against statsmodels' clustered OLS."""

from __future__ import annotations

import random

import numpy as np
import pytest
import statsmodels.api as sm  # type: ignore[import-untyped]

from assay.stats import ClusteredMean, NotEstimable, clustered_mean


@pytest.mark.parametrize("seed", range(5))
def test_matches_statsmodels_cluster_robust_ols(seed: int) -> None:
    rng = random.Random(seed)
    groups = [g for g in range(rng.randint(3, 8)) for _ in range(rng.randint(1, 5))]
    values = [rng.gauss(0.2, 0.4) + 0.3 * (g % 3) for g in groups]
    result = clustered_mean(values, groups)
    assert isinstance(result, ClusteredMean)
    fit = sm.OLS(np.array(values), np.ones(len(values))).fit(
        cov_type="cluster", cov_kwds={"groups": np.array(groups)}
    )
    assert result.mean == pytest.approx(float(fit.params[0]))
    assert result.se == pytest.approx(float(fit.bse[0]))
    assert result.clusters == len(set(groups))


def test_one_unit_per_cluster_gives_the_naive_error() -> None:
    values = [0.1, 0.5, -0.2, 0.9, 0.3]
    result = clustered_mean(values, list(range(5)))
    assert isinstance(result, ClusteredMean)
    assert result.se == pytest.approx(result.naive_se)


def test_correlated_clusters_widen_the_error() -> None:
    values = [1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0]
    result = clustered_mean(values, [i // 3 for i in range(12)])
    assert isinstance(result, ClusteredMean)
    assert result.se > 1.5 * result.naive_se


def test_not_estimable() -> None:
    assert isinstance(clustered_mean([0.5], ["a"]), NotEstimable)
    assert isinstance(clustered_mean([0.5, 0.7], ["a", "a"]), NotEstimable)
    assert isinstance(clustered_mean([0.5, 0.5, 0.5], ["a", "b", "c"]), NotEstimable)
