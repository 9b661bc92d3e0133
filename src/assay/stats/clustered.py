"""Cluster-robust standard error of a mean (difference) when units come in groups.

Tasks drawn in groups (several from one repository, one template, one author) are not
independent; on real evaluations clustered errors were up to 3× the naive ones
(reference/stats.md). The estimator is the CR1 sandwich of an intercept-only regression:
SE² = G/(G−1) · Σ_g (Σ_{i∈g} (x_i − x̄))² / n², which reduces to sd/√n with one unit per
cluster and matches statsmodels' ``cov_type="cluster"``.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from assay.stats.result import SPREAD_TOLERANCE, NotEstimable, no_spread, too_few


@dataclass(frozen=True)
class ClusteredMean:
    """A mean with its naive and its cluster-robust standard error."""

    mean: float
    se: float
    """Cluster-robust (CR1) standard error."""
    naive_se: float
    """sd/√n, which treats every unit as independent."""
    units: int
    clusters: int


def clustered_mean(
    values: Sequence[float], clusters: Sequence[Hashable]
) -> ClusteredMean | NotEstimable:
    """Return the mean of ``values`` with a standard error clustered by ``clusters``."""
    if len(values) != len(clusters):
        raise ValueError("every value needs a cluster label")
    n = len(values)
    if (short := too_few(n)) is not None:
        return short
    g = len(set(clusters))
    if (short := too_few(g, "clusters")) is not None:
        return short
    if no_spread(values):
        return NotEstimable(f"all {n} values are equal: a zero standard error would be a lie")
    mean = statistics.fmean(values)
    sums: dict[Hashable, float] = {}
    for value, cluster in zip(values, clusters, strict=True):
        sums[cluster] = sums.get(cluster, 0.0) + (value - mean)
    se = math.sqrt(g / (g - 1) * sum(s * s for s in sums.values())) / n
    if se <= SPREAD_TOLERANCE * max(abs(v) for v in values):
        # Every cluster's deviations cancel: G sums cannot show any between-cluster spread.
        return NotEstimable(f"no spread between the {g} cluster sums: a zero SE would be a lie")
    naive = statistics.stdev(values) / math.sqrt(n)
    return ClusteredMean(mean, se, naive, n, g)
