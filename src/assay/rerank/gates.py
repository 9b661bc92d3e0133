"""The rerank gates, decided by the claims gate (:mod:`assay.claims`) and failing closed.

Each problem under each seed is one row per method (``value`` = its expected pass@1, the
task ``benchmark/problem``, the suite the benchmark, the seed the rerank seed). For every
required baseline B one claim ``lift-B`` ("the scorer's pass@1 beats B's by more than the
margin") is expanded ``per = ["suite", "seed"]`` into one gate per benchmark × seed; the
claim ``overall`` requires every one of those gates (``requires_all``). All claims form one
Holm family. ``overall`` is supported only when every gate passes; otherwise it fails closed
with ``requirement_failed`` naming the failing gates.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.claims.data import Row
from assay.claims.evaluate import evaluate_family
from assay.records.claim import ClaimResult, ClaimSpec
from assay.records.rerank import ProblemScore

TREATMENT = "scorer"
METRIC = "pass_at_1"
OVERALL = "overall"


def rows(problems: Sequence[ProblemScore], arms: Sequence[str]) -> list[Row]:
    """The claim rows: one per problem, seed and arm."""
    return [
        Row(
            task=f"{p.benchmark}/{p.problem}",
            arm=arm,
            attempt=f"seed{p.seed}",
            value=p.pass_at_1[arm],
            suite=p.benchmark,
            seed=p.seed,
        )
        for p in problems
        for arm in arms
    ]


def specs(baselines: Sequence[str], margin: float, alpha: float, min_n: int) -> list[ClaimSpec]:
    """One ``lift-B`` claim per required baseline (per suite × seed) and ``overall``."""
    common = {
        "metric": METRIC,
        "treatment": TREATMENT,
        "margin": margin,
        "alpha": alpha,
        "min_n": min_n,
    }
    out = [ClaimSpec(id=f"lift-{b}", control=b, per=("suite", "seed"), **common) for b in baselines]
    out.append(
        ClaimSpec(
            id=OVERALL,
            control=baselines[0],
            requires_all=tuple(f"lift-{b}[*]" for b in baselines),
            rationale="supported only when every benchmark × seed × baseline gate is",
            **common,
        )
    )
    return out


def decide(
    problems: Sequence[ProblemScore],
    baselines: Sequence[str],
    *,
    margin: float,
    alpha: float,
    min_n: int = 2,
) -> list[ClaimResult]:
    """Every gate's result (declared claims, each followed by its sub-claims)."""
    if not baselines:
        raise ValueError("at least one required baseline")
    benchmarks = sorted({p.benchmark for p in problems})
    seeds = sorted({p.seed for p in problems})
    return evaluate_family(
        specs(baselines, margin, alpha, min_n),
        {METRIC: rows(problems, [TREATMENT, *baselines])},
        dimensions={"suite": benchmarks, "seed": [str(s) for s in seeds]},
    )


def overall(results: Sequence[ClaimResult]) -> ClaimResult:
    """The ``overall`` claim's result."""
    return next(r for r in results if r.claim.id == OVERALL)
