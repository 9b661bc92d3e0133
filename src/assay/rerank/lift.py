"""Per-problem values of every ranking method, and per-slice summaries with paired lifts.

Methods: ``scorer`` (the scorer's ranking), and the baselines ``random`` (all tied: exact
c/m), ``original`` (``original_rank`` 0 first), ``no_action`` (the pool's first candidate),
``shuffled`` (the scorer's scores dealt to the problem's candidates in a seeded random order:
a ranking that keeps the scorer's ties but not its knowledge) and ``oracle`` (passing first).
A lift is mean(S_i − B_i) over the slice's problems, in points, with a two-sided 95% paired
interval: Student-t below 30 problems, a seeded percentile bootstrap (2000 resamples) from 30,
clipped to [−100, 100].
"""

from __future__ import annotations

import math
import random
import statistics
from collections.abc import Sequence

from assay.records.pool import PoolCandidate
from assay.records.rerank import Lift, MethodSummary, ProblemScore, Slice
from assay.rerank.metrics import mrr, pass_at_k, top1
from assay.rerank.scorers.protocol import Scores
from assay.stats.bootstrap import MIN_DECISION_UNITS, paired_bootstrap
from assay.stats.paired import t_interval
from assay.stats.result import NotEstimable

BASELINES = ("random", "original", "no_action", "shuffled", "oracle")
METHODS = ("scorer", *BASELINES)
RESAMPLES = 2000


def rankings(
    candidates: Sequence[PoolCandidate], scores: Scores, seed: int
) -> dict[str, list[float]]:
    """Each method's scores for one problem's candidates (higher ranks first)."""
    c0 = candidates[0]
    # A score that is not a finite number ranks last (tied with the other such scores).
    own = [s if math.isfinite(s) else -math.inf for s in scores.scores]
    dealt = list(own)
    random.Random(f"shuffled:{seed}:{c0.benchmark}:{c0.problem}").shuffle(dealt)
    n = len(candidates)
    return {
        "scorer": own,
        "random": [0.0] * n,
        "original": [-float(c.original_rank) for c in candidates],
        "no_action": [-float(i) for i in range(n)],
        "shuffled": dealt,
        "oracle": [float(c.passed) for c in candidates],
    }


def problem_values(
    candidates: Sequence[PoolCandidate], scores: Scores, seed: int, ks: Sequence[int]
) -> tuple[ProblemScore, dict[str, tuple[float, dict[int, float]]]]:
    """The problem's record, and per method its MRR and pass@k for the ``ks`` that fit."""
    labels = [c.passed for c in candidates]
    ranked = rankings(candidates, scores, seed)
    c0 = candidates[0]
    record = ProblemScore(
        benchmark=c0.benchmark,
        problem=c0.problem,
        seed=seed,
        candidates=len(candidates),
        passing=sum(labels),
        status=scores.status,
        detail=scores.detail,
        pass_at_1={m: top1(s, labels) for m, s in ranked.items()},
    )
    extra = {
        m: (mrr(s, labels), {k: pass_at_k(s, labels, k) for k in ks if k <= len(labels)})
        for m, s in ranked.items()
    }
    return record, extra


def lift(scorer: Sequence[float], baseline: Sequence[float], name: str, seed: int) -> Lift:
    """Mean scorer − baseline pass@1 in points, with its paired 95% interval."""
    d = [s - b for s, b in zip(scorer, baseline, strict=True)]
    points = 100 * statistics.fmean(d) if d else 0.0
    if len(d) >= MIN_DECISION_UNITS:
        got = paired_bootstrap(scorer, baseline, seed=seed, resamples=RESAMPLES, purpose="decision")
    else:
        got = t_interval(d)
    if isinstance(got, NotEstimable):
        return Lift(
            baseline=name,
            points=points,
            lower=None,
            upper=None,
            method="not_estimable",
            note=got.reason,
        )
    # A difference of two shares lies in [-100, 100] points; a t interval can overshoot it.
    low = None if got.lower is None else max(-100.0, 100 * got.lower)
    high = None if got.upper is None else min(100.0, 100 * got.upper)
    method = "t" if got.method.startswith("t") else got.method
    return Lift(baseline=name, points=points, lower=low, upper=high, method=method)


def summarize(
    benchmark: str,
    seed: int,
    records: Sequence[ProblemScore],
    extras: Sequence[dict[str, tuple[float, dict[int, float]]]],
) -> Slice:
    """One benchmark × seed: mean metrics per method, lifts over every baseline, gap closed."""
    smallest = min(r.candidates for r in records)
    methods = {}
    for m in METHODS:
        ks = sorted({k for e in extras for k in e[m][1] if k <= smallest})
        methods[m] = MethodSummary(
            pass_at_1=statistics.fmean(r.pass_at_1[m] for r in records),
            mrr=statistics.fmean(e[m][0] for e in extras),
            pass_at_k={str(k): statistics.fmean(e[m][1][k] for e in extras) for k in ks},
        )
    s = [r.pass_at_1["scorer"] for r in records]
    lifts = [lift(s, [r.pass_at_1[b] for r in records], b, seed) for b in BASELINES]
    gap = sum(r.pass_at_1["oracle"] - r.pass_at_1["random"] for r in records)
    gained = sum(r.pass_at_1["scorer"] - r.pass_at_1["random"] for r in records)
    decidable = sum(0 < r.passing < r.candidates for r in records)
    return Slice(
        benchmark=benchmark,
        seed=seed,
        problems=len(records),
        candidates=sum(r.candidates for r in records),
        decidable=decidable,
        missing=sum(r.status == "missing" for r in records),
        saturated=decidable == 0,
        methods=methods,
        lifts=lifts,
        gap_closed=gained / gap if gap > 0 else None,
    )
