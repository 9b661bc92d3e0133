"""Calibration metrics cross-checked on known inputs and against scikit-learn."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from assay.rerank.calibrate import Prediction, calibrate, calibration_slice
from assay.rerank.discrimination import delong_variance, discrimination
from assay.rerank.pool_io import read_pool
from assay.rerank.reliability import bins, brier_parts, threshold
from assay.rerank.scorers.simple import LogprobScorer, RandomScorer
from assay.rerank.scoring import TaskFinder
from tests.support.rerank import labelled_pool


def test_delong_on_a_hand_computed_case() -> None:
    # Positives 0.35, 0.8; negatives 0.1, 0.4. V10 = (1/2, 1), V01 = (1, 1/2): AUC 3/4,
    # Var = s²(V10)/2 + s²(V01)/2 = 0.125/2 + 0.125/2.
    auc, var = delong_variance([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
    assert auc == pytest.approx(0.75)
    assert var == pytest.approx(0.125)
    d = discrimination([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
    assert d.auc == pytest.approx(0.75)
    assert d.lower == pytest.approx(max(0.0, 0.75 - 1.959963984540054 * math.sqrt(0.125)))
    assert d.upper == 1.0
    # Ties count one half: one positive tied with one negative → AUC 1/2.
    assert discrimination([0.5, 0.5], [True, False]).auc == pytest.approx(0.5)


def test_reliability_bins_match_scikit_learn_and_brier_decomposes_exactly() -> None:
    from sklearn.calibration import calibration_curve

    rng = random.Random(5)
    p = [round(rng.random(), 2) for _ in range(300)]
    y = [rng.random() < q for q in p]
    for strategy in ("uniform", "quantile"):
        table, ece = bins(p, y, strategy)
        assert sum(b.count for b in table) == len(p)
        true, pred = calibration_curve(y, p, n_bins=10, strategy=strategy)
        full = [b for b in table if b.count]
        assert [b.empirical_rate for b in full] == pytest.approx(list(true))
        assert [b.mean_predicted for b in full] == pytest.approx(list(pred))
        mine = sum(b.count / len(p) * abs(b.empirical_rate - b.mean_predicted) for b in full)  # type: ignore[operator]
        assert ece == pytest.approx(mine)
    parts = brier_parts(p, y)
    assert parts.brier == pytest.approx(
        sum((q - o) ** 2 for q, o in zip(p, y, strict=True)) / len(p)
    )
    assert parts.brier == pytest.approx(parts.reliability - parts.resolution + parts.uncertainty)
    t = threshold([0.9, 0.6, 0.4, 0.1], [True, False, True, False])
    assert (t.tp, t.fp, t.fn, t.tn, t.accuracy, t.precision, t.recall) == (
        1,
        1,
        1,
        1,
        0.5,
        0.5,
        0.5,
    )


def _preds(values: list[float | None], labels: list[bool]) -> list[Prediction]:
    return [
        Prediction("b", f"p{i}", y, v, v)
        for i, (v, y) in enumerate(zip(values, labels, strict=True))
    ]


def test_statuses() -> None:
    assert calibration_slice("x", _preds([None, None], [True, False]), True).status == "missing"
    nan = calibration_slice("x", _preds([math.nan, math.inf], [True, False]), True)
    assert nan.status == "no_finite_scores"
    single = calibration_slice("x", _preds([0.2, 0.9], [True, True]), True)
    assert single.status == "single_class" and "passing" in single.detail
    ok = calibration_slice("x", _preds([0.2, 0.9, 0.5], [False, True, True]), True)
    assert ok.status == "ok" and ok.unstable and ok.roc_auc == 1.0 and ok.brier is not None
    scores_only = calibration_slice("x", _preds([0.2, 0.9, 0.5], [False, True, True]), False)
    assert scores_only.brier is None and scores_only.roc_auc == 1.0


def test_a_pool_without_logprobs_is_missing_and_noise_is_near_half(tmp_path: Path) -> None:
    rng = random.Random(9)
    labels = {("b", f"p{i}"): [rng.random() < 0.4 for _ in range(6)] for i in range(40)}
    pool = read_pool(labelled_pool(tmp_path / "pool", labels))
    missing = calibrate(pool, LogprobScorer(), 1, TaskFinder([]))
    assert missing.overall.status == "missing" and missing.probability == "none"
    noise = calibrate(pool, RandomScorer(), 1, TaskFinder([]))
    assert noise.overall.status == "ok" and noise.overall.n == 240
    assert noise.overall.unstable is False
    lo, hi = noise.overall.auc_lower, noise.overall.auc_upper
    assert lo is not None and hi is not None and lo < 0.5 < hi
    assert [s.name for s in noise.slices] == ["benchmark=b"]
