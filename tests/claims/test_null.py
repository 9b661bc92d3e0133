"""Monte Carlo checks of the gate: false claims under identical arms stay within alpha.

Identical arms make every "supported" a false claim. Margin 0 is the hardest such null
(the truth sits on the boundary); the default margin 0.05 is easier still. Measured with
10 000 runs per cell over n = 5…30, rates 0.2/0.5/0.8, 1 and 5 attempts: at most 0.0145
at margin 0 and 0.0104 at margin 0.05 (alpha 0.025).
"""

from __future__ import annotations

import random

import pytest

from assay.claims import ClaimSpec, Row, evaluate_claim

ALPHA = 0.025
RUNS = 2000

# (tasks, base rate, attempts per task and arm): every n and both attempt counts, with the
# base rates spread across them.
NULL_CASES = [
    (5, 0.5, 1),
    (5, 0.2, 5),
    (10, 0.2, 1),
    (10, 0.8, 5),
    (20, 0.8, 1),
    (20, 0.5, 5),
    (30, 0.5, 1),
    (30, 0.2, 5),
]


def supported_rate(
    n: int, control: float, treatment: float, *, attempts: int, runs: int, margin: float, seed: int
) -> float:
    """Return the share of simulated experiments whose claim "B beats A" is supported."""
    rng = random.Random(seed)
    spec = ClaimSpec(id="sim", metric="success", treatment="B", control="A", margin=margin)
    tasks = [f"t{i}" for i in range(n)]
    tries = [str(a) for a in range(attempts)]
    arms = (("A", control), ("B", treatment))
    supported = 0
    for _ in range(runs):
        rows = [
            Row(task, arm, attempt, 1.0 if rng.random() < rate else 0.0)
            for task in tasks
            for arm, rate in arms
            for attempt in tries
        ]
        supported += evaluate_claim(spec, rows).status == "supported"
    return supported / runs


@pytest.mark.parametrize("margin", [0.0, 0.05])
@pytest.mark.parametrize(("n", "rate", "attempts"), NULL_CASES)
def test_identical_arms_are_supported_at_most_alpha(
    n: int, rate: float, attempts: int, margin: float
) -> None:
    seed = n * 1000 + int(rate * 100) + attempts
    rate_supported = supported_rate(
        n, rate, rate, attempts=attempts, runs=RUNS, margin=margin, seed=seed
    )
    assert rate_supported <= ALPHA


def test_five_tasks_essentially_never_pass() -> None:
    assert supported_rate(5, 0.1, 0.9, attempts=1, runs=300, margin=0.05, seed=5) == 0.0


@pytest.mark.parametrize(
    ("n", "control", "treatment", "attempts", "floor"),
    [(30, 0.3, 0.8, 1, 0.85), (20, 0.2, 0.7, 5, 0.85)],
)
def test_a_large_true_gain_is_supported_most_of_the_time(
    n: int, control: float, treatment: float, attempts: int, floor: float
) -> None:
    rate = supported_rate(n, control, treatment, attempts=attempts, runs=400, margin=0.05, seed=n)
    assert rate >= floor
