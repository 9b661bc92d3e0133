"""Null simulations through every claim shape of issue 12: false claims stay within alpha.

Identical arms make every "supported" a false claim. Each shape is simulated with seeded
draws and a fixed count of experiments (no clock): claims per suite joined by
``requires_all`` (any claim of the family supported counts as a false claim: the familywise
rate), replicate arms decided by one-sided Fisher, and two planned looks with an interim
look at half the tasks (a false claim at either look counts).

Tolerance: the rate may exceed alpha by at most three binomial standard errors of the
estimate, 3·√(α(1−α)/runs) — 0.0105 at 2000 runs, 0.0148 at 1000. Each shape also has a
check that a real gain is supported most of the time, so a gate that never supports
anything cannot pass for a safe one.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from assay.claims import ClaimSpec, LookLedger, Row, evaluate_family

ALPHA = 0.025


def tolerance(runs: int) -> float:
    return 3 * math.sqrt(ALPHA * (1 - ALPHA) / runs)


def suite_rows(rng: random.Random, n: int, control: float, treatment: float) -> list[Row]:
    rows = []
    for suite in ("a", "b"):
        for i in range(n):
            for arm, rate in (("A", control), ("B", treatment)):
                rows.append(Row(f"{suite}{i}", arm, "0", float(rng.random() < rate), suite=suite))
    return rows


FAMILY = ClaimSpec(
    id="gain",
    metric="success",
    treatment="B",
    control="A",
    margin=0.0,
    per=("suite",),
    requires_all=("gain[*]",),
)


def family_rate(n: int, control: float, treatment: float, runs: int, seed: int) -> float:
    """Share of experiments in which any claim of the family was supported."""
    rng = random.Random(seed)
    hits = 0
    for _ in range(runs):
        results = evaluate_family([FAMILY], {"success": suite_rows(rng, n, control, treatment)})
        hits += any(r.status == "supported" for r in results)
    return hits / runs


@pytest.mark.parametrize(("n", "rate"), [(10, 0.5), (15, 0.3), (20, 0.7)])
def test_per_suite_and_requires_all_under_the_null(n: int, rate: float) -> None:
    runs = 2000
    assert family_rate(n, rate, rate, runs, seed=n) <= ALPHA + tolerance(runs)


def test_per_suite_supports_a_real_gain() -> None:
    assert family_rate(20, 0.1, 0.9, 200, seed=1) >= 0.9


REPLICATES = ClaimSpec(
    id="rep", metric="success", treatment="B", control="A", design="replicates", margin=0.0
)


def replicate_rate(
    runs_per_arm: int, control: float, treatment: float, runs: int, seed: int
) -> float:
    rng = random.Random(seed)
    hits = 0
    for _ in range(runs):
        rows = [
            Row("t", arm, f"{arm}{i}", float(rng.random() < rate))
            for arm, rate in (("A", control), ("B", treatment))
            for i in range(runs_per_arm)
        ]
        hits += evaluate_family([REPLICATES], {"success": rows})[0].status == "supported"
    return hits / runs


@pytest.mark.parametrize(("per_arm", "rate"), [(7, 0.3), (10, 0.5), (20, 0.2), (30, 0.6)])
def test_replicates_under_the_null(per_arm: int, rate: float) -> None:
    runs = 2000
    assert replicate_rate(per_arm, rate, rate, runs, seed=per_arm) <= ALPHA + tolerance(runs)


def test_replicates_support_a_real_gain() -> None:
    assert replicate_rate(10, 0.1, 0.9, 200, seed=2) >= 0.8


def interim_rate(tmp: Path, control: float, treatment: float, runs: int, seed: int) -> float:
    """Two planned looks: an interim one at 10 of 20 tasks, then the final one."""
    rng = random.Random(seed)
    spec = ClaimSpec(
        id="looks", metric="success", treatment="B", control="A", margin=0.0, planned_looks=2
    )
    hits = 0
    for k in range(runs):
        rows = [
            Row(f"t{i}", arm, "0", float(rng.random() < rate))
            for i in range(20)
            for arm, rate in (("A", control), ("B", treatment))
        ]
        ledger = LookLedger(tmp / f"ledger-{k}.jsonl")
        first = evaluate_family([spec], {"success": rows[:20]}, ledger=ledger, interim=True)[0]
        final = evaluate_family([spec], {"success": rows}, ledger=ledger)[0]
        assert (first.look, final.look) in ((1, 2), (None, 1), (1, 1), (None, None))
        hits += "supported" in (first.status, final.status)
    return hits / runs


@pytest.mark.parametrize("rate", [0.3, 0.5])
def test_interim_looks_under_the_null(tmp_path: Path, rate: float) -> None:
    runs = 1000
    assert interim_rate(tmp_path, rate, rate, runs, seed=int(rate * 10)) <= ALPHA + tolerance(runs)


def test_interim_looks_support_a_real_gain(tmp_path: Path) -> None:
    assert interim_rate(tmp_path, 0.1, 0.9, 100, seed=3) >= 0.8
