"""Calibration of stated probabilities: Brier and its decomposition, ECE, a threshold.

- Brier = mean (f − o)² (scikit-learn), decomposed over the distinct forecast values f_k
  (n_k candidates, observed rate ō_k, overall rate ō): reliability Σ n_k(f_k − ō_k)²/N,
  resolution Σ n_k(ō_k − ō)²/N, uncertainty ō(1 − ō); Brier = reliability − resolution +
  uncertainty exactly (grouping by distinct values leaves no within-bin term).
- ECE = Σ_b (n_b/N)·|ō_b − f̄_b| over 10 bins, equal-width (edges 0, 0.1, …, 1) and
  equal-mass (edges at the deciles of the predictions), a prediction going to bin
  ``searchsorted(inner edges, p)`` exactly as scikit-learn's ``calibration_curve`` bins it;
  empty bins are listed with count 0. Below 200 candidates the table is flagged unstable.
- Threshold: p ≥ 0.5 counts as "passes"; the confusion counts, accuracy, precision, recall.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assay.records.rerank import Bin, Threshold

BINS = 10
UNSTABLE_BELOW = 200


@dataclass(frozen=True)
class BrierParts:
    """The Brier score and its Murphy decomposition."""

    brier: float
    reliability: float
    resolution: float
    uncertainty: float


def brier_parts(p: Sequence[float], labels: Sequence[bool]) -> BrierParts:
    """Brier (scikit-learn) and reliability, resolution, uncertainty over distinct forecasts."""
    from sklearn.metrics import brier_score_loss  # type: ignore[import-untyped]

    n = len(p)
    rate = sum(labels) / n
    groups: dict[float, list[int]] = {}
    for f, o in zip(p, labels, strict=True):
        g = groups.setdefault(f, [0, 0])
        g[0] += 1
        g[1] += int(o)
    rel = sum(c * (f - k / c) ** 2 for f, (c, k) in groups.items()) / n
    res = sum(c * (k / c - rate) ** 2 for c, k in groups.values()) / n
    brier = float(brier_score_loss(list(labels), list(p), pos_label=True))
    return BrierParts(brier, rel, res, rate * (1 - rate))


def edges(p: Sequence[float], strategy: str) -> list[float]:
    """Bin edges: ``uniform`` (equal width) or ``quantile`` (equal mass)."""
    import numpy as np

    if strategy == "uniform":
        return [float(e) for e in np.linspace(0.0, 1.0, BINS + 1)]
    return [
        float(e) for e in np.percentile(np.asarray(p, dtype=float), np.linspace(0, 100, BINS + 1))
    ]


def bins(p: Sequence[float], labels: Sequence[bool], strategy: str) -> tuple[list[Bin], float]:
    """The reliability table and the ECE for one binning strategy."""
    import numpy as np

    e = edges(p, strategy)
    ids = np.searchsorted(np.asarray(e[1:-1]), np.asarray(p, dtype=float))
    out: list[Bin] = []
    ece = 0.0
    for b in range(BINS):
        mine = [i for i, bid in enumerate(ids) if bid == b]
        if not mine:
            out.append(
                Bin(lower=e[b], upper=e[b + 1], count=0, mean_predicted=None, empirical_rate=None)
            )
            continue
        mean = sum(p[i] for i in mine) / len(mine)
        rate = sum(labels[i] for i in mine) / len(mine)
        ece += len(mine) / len(p) * abs(rate - mean)
        out.append(
            Bin(
                lower=e[b],
                upper=e[b + 1],
                count=len(mine),
                mean_predicted=mean,
                empirical_rate=rate,
            )
        )
    return out, ece


def threshold(p: Sequence[float], labels: Sequence[bool], at: float = 0.5) -> Threshold:
    """Confusion counts and rates with p ≥ ``at`` predicted to pass."""
    tp = sum(f >= at and o for f, o in zip(p, labels, strict=True))
    fp = sum(f >= at and not o for f, o in zip(p, labels, strict=True))
    fn = sum(f < at and o for f, o in zip(p, labels, strict=True))
    tn = len(p) - tp - fp - fn
    return Threshold(
        threshold=at,
        tp=tp,
        fp=fp,
        tn=tn,
        fn=fn,
        accuracy=(tp + tn) / len(p),
        precision=tp / (tp + fp) if tp + fp else None,
        recall=tp / (tp + fn) if tp + fn else None,
    )
