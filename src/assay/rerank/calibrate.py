"""``assay calibrate``: how well a scorer's p_pass (or scores) tells passing candidates apart.

Every candidate is one prediction. Problems the scorer reported ``missing`` are left out.
Without p_pass, AUC and average precision come from the scores and the calibration
measures are left out (``probability = "none"``). Status per slice: ``missing`` (no
prediction at all), ``no_finite_scores``, ``single_class`` (only passing or only failing
candidates: nothing to discriminate), else ``ok``. Slices: every benchmark, and every split
of ``POOL/rerank/split.json`` when ``assay split`` has written one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assay import __version__
from assay.records.rerank import CalibrationRecord, CalibrationSlice, SplitRecord
from assay.rerank.discrimination import discrimination
from assay.rerank.pool_io import Pool
from assay.rerank.reliability import UNSTABLE_BELOW, bins, brier_parts, threshold
from assay.rerank.run import now, pool_digest
from assay.rerank.scorers.protocol import Scorer
from assay.rerank.scoring import TaskFinder, score_pool


@dataclass(frozen=True)
class Prediction:
    """One candidate's label and what the scorer said of it."""

    benchmark: str
    problem: str
    passed: bool
    score: float | None
    p_pass: float | None


def predictions(pool: Pool, scorer: Scorer, seed: int, finder: TaskFinder) -> list[Prediction]:
    """One prediction per candidate (score and p_pass None where the scorer was missing)."""
    scores = score_pool(pool, scorer, seed, finder)
    out = []
    for key, candidates in pool.problems.items():
        s = scores[key]
        for i, c in enumerate(candidates):
            ok = s.status == "ok"
            out.append(
                Prediction(
                    c.benchmark,
                    c.problem,
                    c.passed,
                    s.scores[i] if ok else None,
                    s.p_pass[i] if ok and s.p_pass is not None else None,
                )
            )
    return out


def calibration_slice(
    name: str, preds: Sequence[Prediction], probability: bool
) -> CalibrationSlice:
    """Discrimination and, with probabilities, calibration of one group of predictions."""
    values = [(p.p_pass if probability else p.score, p.passed) for p in preds]
    given = [(v, y) for v, y in values if v is not None]
    positives = sum(p.passed for p in preds)
    base = {
        "name": name,
        "n": len(preds),
        "positives": positives,
        "unstable": len(preds) < UNSTABLE_BELOW,
    }
    if not given:
        return CalibrationSlice(status="missing", detail="the scorer gave no prediction", **base)
    finite = [(v, y) for v, y in given if math.isfinite(v)]
    if not finite:
        return CalibrationSlice(status="no_finite_scores", detail="no prediction is finite", **base)
    labels = [y for _, y in finite]
    if all(labels) or not any(labels):
        only = "passing" if labels[0] else "failing"
        return CalibrationSlice(status="single_class", detail=f"every candidate is {only}", **base)
    xs = [v for v, _ in finite]
    d = discrimination(xs, labels)
    left = len(preds) - len(finite)
    detail = f"{left} candidate(s) without a finite prediction left out" if left else ""
    fields: dict[str, object] = {
        "roc_auc": d.auc,
        "auc_lower": d.lower,
        "auc_upper": d.upper,
        "average_precision": d.average_precision,
        "unstable": len(finite) < UNSTABLE_BELOW,
    }
    if probability:
        parts = brier_parts(xs, labels)
        width, ece_w = bins(xs, labels, "uniform")
        mass, ece_m = bins(xs, labels, "quantile")
        fields |= {
            "brier": parts.brier,
            "reliability": parts.reliability,
            "resolution": parts.resolution,
            "uncertainty": parts.uncertainty,
            "ece_width": ece_w,
            "ece_mass": ece_m,
            "bins_width": width,
            "bins_mass": mass,
            "threshold": threshold(xs, labels),
        }
    return CalibrationSlice.model_validate(base | fields | {"status": "ok", "detail": detail})


def calibrate(
    pool: Pool, scorer: Scorer, seed: int, finder: TaskFinder, split: SplitRecord | None = None
) -> CalibrationRecord:
    """The calibration record (the diagram is drawn separately)."""
    preds = predictions(pool, scorer, seed, finder)
    probability = any(p.p_pass is not None for p in preds)
    slices = [
        calibration_slice(f"benchmark={b}", [p for p in preds if p.benchmark == b], probability)
        for b in sorted({p.benchmark for p in preds})
    ]
    if split is not None and split.status == "ok":
        for name, members in split.splits.items():
            chosen = set(members)
            mine = [p for p in preds if f"{p.benchmark}/{p.problem}" in chosen]
            slices.append(calibration_slice(f"split={name}", mine, probability))
    return CalibrationRecord(
        generator=f"assay {__version__}",
        pool=str(pool.folder),
        pool_digest=pool_digest(pool),
        scorer=scorer.name,
        seed=seed,
        probability="p_pass" if probability else "none",
        overall=calibration_slice("all", preds, probability),
        slices=slices,
        diagram=None,
        created=now(),
    )


def reliability_png(record: CalibrationRecord, path: Path) -> Path | None:
    """Draw the equal-width reliability diagram of the overall slice (None without bins)."""
    bins_ = [b for b in record.overall.bins_width if b.count]
    if not bins_:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4.5), dpi=100)
    ax.plot([0, 1], [0, 1], linestyle="--", color="grey", linewidth=1, label="perfect")
    xs = [b.mean_predicted or 0.0 for b in bins_]
    ys = [b.empirical_rate or 0.0 for b in bins_]
    ax.plot(xs, ys, marker="o", color="tab:blue", label=record.scorer)
    for x, y, b in zip(xs, ys, bins_, strict=True):
        ax.annotate(str(b.count), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("mean predicted p_pass")
    ax.set_ylabel("share passing")
    ece = record.overall.ece_width
    ax.set_title(
        f"Reliability (ECE {ece:.3f}, n={record.overall.n})" if ece is not None else "Reliability"
    )
    ax.legend(loc="upper left", fontsize=8)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return path
