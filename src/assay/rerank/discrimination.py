"""ROC-AUC with DeLong's interval, and average precision (scikit-learn and scipy).

DeLong (1988), fast form: with m passing and n failing candidates, midranks give each
passing candidate's share of failing ones scored below it (ties count ½),
V10_i = (R_i − R⁺_i)/n, and each failing candidate's share of passing ones scored above it,
V01_j = 1 − (R_j − R⁻_j)/m (R: midrank among all, R⁺/R⁻: among its own class). AUC =
mean(V10); Var(AUC) = s²(V10)/m + s²(V01)/n; the interval is AUC ± 1.96·√Var, clipped to
[0, 1]. With one candidate in a class, or zero variance (perfect separation), the interval
is not estimable and left out.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Discrimination:
    """ROC-AUC, its DeLong interval (None when not estimable) and average precision."""

    auc: float
    lower: float | None
    upper: float | None
    variance: float | None
    average_precision: float


def delong_variance(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float | None]:
    """AUC and DeLong's variance of it (None with fewer than two of a class)."""
    import numpy as np
    from scipy.stats import rankdata  # type: ignore[import-untyped]

    x = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    pos, neg = x[y], x[~y]
    m, n = len(pos), len(neg)
    ranks = rankdata(np.concatenate([pos, neg]))
    v10 = (ranks[:m] - rankdata(pos)) / n
    v01 = 1.0 - (ranks[m:] - rankdata(neg)) / m
    auc = float(v10.mean())
    if m < 2 or n < 2:
        return auc, None
    return auc, float(v10.var(ddof=1) / m + v01.var(ddof=1) / n)


def discrimination(scores: Sequence[float], labels: Sequence[bool]) -> Discrimination:
    """AUC (scikit-learn, ties averaged), DeLong interval, average precision."""
    from sklearn.metrics import average_precision_score, roc_auc_score  # type: ignore[import-untyped]

    auc = float(roc_auc_score(list(labels), list(scores)))
    _, var = delong_variance(scores, labels)
    ap = float(average_precision_score(list(labels), list(scores)))
    if var is None or var <= 0:
        return Discrimination(auc, None, None, var, ap)
    half = Z95 * math.sqrt(var)
    return Discrimination(auc, max(0.0, auc - half), min(1.0, auc + half), var, ap)
