"""Rerank on hand-computed tiny pools: exact values, saturation, gates that fail closed."""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from assay.records.pool import PoolCandidate
from assay.records.rerank import ProblemScore
from assay.rerank.gates import decide, overall
from assay.rerank.pool_io import read_pool
from assay.rerank.run import rerank
from assay.rerank.scorers.protocol import ProblemContext, Scores
from assay.rerank.scoring import TaskFinder
from tests.support.rerank import labelled_pool


class Fixed:
    """Scores the candidates by their names: c0 → s[0], ... (per problem)."""

    name = "fixed"

    def __init__(self, by_problem: dict[str, Sequence[float]]) -> None:
        self.by_problem = by_problem

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        return Scores([float(v) for v in self.by_problem[context.problem]])


def test_exact_values_on_a_tiny_pool(tmp_path: Path) -> None:
    labels = {
        ("b", "p1"): [False, True, False, False],  # decidable, c/m = 1/4
        ("b", "p2"): [True, False],  # decidable, c/m = 1/2
        ("b", "p3"): [True, True, True],  # all pass
        ("b", "p4"): [False, False],  # all fail
    }
    pool = read_pool(labelled_pool(tmp_path / "pool", labels))
    scorer = Fixed({"p1": [1, 1, 0, 0], "p2": [0, 0], "p3": [0, 1, 2], "p4": [1, 0]})
    record = rerank(pool, scorer, [1], finder=TaskFinder([]))
    (s,) = record.slices
    assert (s.problems, s.decidable, s.candidates, s.saturated) == (4, 2, 11, False)
    # scorer: p1 top tie {c0, c1} → 1/2; p2 all tied → 1/2; p3 → 1; p4 → 0.
    assert s.methods["scorer"].pass_at_1 == pytest.approx((0.5 + 0.5 + 1 + 0) / 4)
    assert s.methods["random"].pass_at_1 == pytest.approx((0.25 + 0.5 + 1 + 0) / 4)
    assert s.methods["no_action"].pass_at_1 == pytest.approx((0 + 1 + 1 + 0) / 4)
    assert s.methods["original"].pass_at_1 == s.methods["no_action"].pass_at_1
    assert s.methods["oracle"].pass_at_1 == pytest.approx(3 / 4)
    # MRR of the scorer on p1: first pass among {c0, c1} at rank 1 or 2: (1 + 1/2)/2.
    # p2 all tied: (1 + 1/2)/2; p3: 1; p4: 0.
    assert s.methods["scorer"].mrr == pytest.approx((0.75 + 0.75 + 1 + 0) / 4)
    # pass@k only for k no problem is too small for: pool sizes 2..4 → no pass@5.
    assert s.methods["scorer"].pass_at_k == {}
    # Gap closed: Σ(S − R) / Σ(O − R) = (0.25 + 0) / (0.75 + 0.5).
    assert s.gap_closed == pytest.approx(0.25 / 1.25)
    lift = {x.baseline: x for x in s.lifts}["random"]
    assert lift.points == pytest.approx(100 * 0.25 / 4)
    assert lift.method == "t" and lift.lower is not None and lift.lower < 0 < lift.upper  # type: ignore[operator]


def test_a_saturated_pool_is_reported_saturated_and_its_claim_fails_closed(tmp_path: Path) -> None:
    labels = {("mbppplus", f"p{i}"): [True] * 5 for i in range(12)}
    pool = read_pool(labelled_pool(tmp_path / "pool", labels))
    scorer = Fixed({f"p{i}": [5, 4, 3, 2, 1] for i in range(12)})
    record = rerank(pool, scorer, [1, 2], finder=TaskFinder([]))
    assert record.saturated and all(s.saturated for s in record.slices)
    assert all(m.pass_at_1 == 1.0 for s in record.slices for m in s.methods.values())
    assert record.status == "fail_closed"
    assert record.detail.startswith("saturated")
    gate = {g.claim.id: g for g in record.gates}["lift-random[suite=mbppplus,seed=1]"]
    assert gate.status == "fail_closed" and gate.reason == "insufficient_evidence"


def _problems(values: dict[str, list[tuple[float, float, float]]]) -> list[ProblemScore]:
    """(scorer, random, no_action) pass@1 per problem, per benchmark, seed 1 and 2 alike."""
    out = []
    for bench, rows in values.items():
        for seed in (1, 2):
            for i, (s, r, n) in enumerate(rows):
                out.append(
                    ProblemScore(
                        benchmark=bench,
                        problem=f"p{i}",
                        seed=seed,
                        candidates=4,
                        passing=1,
                        status="ok",
                        pass_at_1={"scorer": s, "random": r, "no_action": n, "shuffled": r},
                    )
                )
    return out


def test_the_overall_claim_names_the_failing_gate() -> None:
    gain = [(1.0, 0.25, 0.0)] * 25 + [(0.0, 0.25, 0.0)] * 5  # a clear gain on humaneval
    none = [(0.25, 0.25, 0.0)] * 30  # no lift over random on mbppplus
    results = decide(
        _problems({"humaneval": gain, "mbppplus": none}),
        ["random", "no_action"],
        margin=0.03,
        alpha=0.025,
    )
    by_id = {r.claim.id: r for r in results}
    assert by_id["lift-random[suite=humaneval,seed=1]"].status == "supported"
    assert by_id["lift-random[suite=mbppplus,seed=1]"].status == "fail_closed"
    verdict = overall(results)
    assert verdict.status == "fail_closed" and verdict.reason == "requirement_failed"
    assert "lift-random[suite=mbppplus,seed=1]" in verdict.detail
    assert "lift-random[suite=mbppplus,seed=2]" in verdict.detail
    assert "humaneval" not in verdict.detail.split("on its own rows")[0]


def test_every_gate_passing_supports_the_overall_claim() -> None:
    gain = [(1.0, 0.25, 0.0)] * 25 + [(0.0, 0.25, 0.0)] * 5
    results = decide(
        _problems({"humaneval": gain, "mbppplus": gain}),
        ["random", "no_action"],
        margin=0.03,
        alpha=0.025,
    )
    assert all(r.status == "supported" for r in results)
    assert overall(results).status == "supported"


def test_null_simulation_noise_scorer_fails_closed_at_alpha() -> None:
    """A scorer of pure noise against the exact random baseline, 400 seeded simulated pools of
    25 decidable problems: the claim is supported at most alpha + 3 binomial SE of the time."""
    rng = random.Random(2026)
    alpha, sims, supported = 0.025, 400, 0
    for _ in range(sims):
        problems = []
        for i in range(25):
            m = rng.randint(2, 6)
            c = rng.randint(1, m - 1)
            labels = [True] * c + [False] * (m - c)
            rng.shuffle(labels)
            noise = [rng.random() for _ in labels]
            top = labels[max(range(m), key=noise.__getitem__)]
            problems.append(
                ProblemScore(
                    benchmark="b",
                    problem=f"p{i}",
                    seed=1,
                    candidates=m,
                    passing=c,
                    status="ok",
                    pass_at_1={"scorer": float(top), "random": c / m},
                )
            )
        result = overall(decide(problems, ["random"], margin=0.0, alpha=alpha))
        supported += result.status == "supported"
    rate = supported / sims
    assert rate <= alpha + 3 * (alpha * (1 - alpha) / sims) ** 0.5, rate
