"""Metrics over tasks and the reading of claims' arms: units, denominators, not-estimable."""

from __future__ import annotations

import pytest

from assay.records.manifest import Manifest
from assay.results.claims import ArmRef, resolve_arm
from assay.results.metrics import over_tasks
from assay.stats.result import Interval, NotEstimable


def manifest(agents: list[str], conditions: list[str]) -> Manifest:
    return Manifest.model_validate(
        {
            "name": "m",
            "suites": ["repair"],
            "agents": [{"id": a, "model": "scripted:builtin:repair-demo"} for a in agents],
            "conditions": [{"id": c} for c in conditions],
        }
    )


def test_seeds_are_averaged_within_a_task_and_n_counts_tasks() -> None:
    # Three tasks × three seeds: n is 3, and the estimate is the mean of the task means.
    e = over_tasks({"a": [1, 1, 0], "b": [0, 0, 0], "c": [1, 1, 1]}, proportion=True)
    assert e.n == 3
    assert e.mean == pytest.approx((2 / 3 + 0 + 1) / 3)
    assert isinstance(e.interval, Interval) and e.interval.method == "t"
    lower, upper = e.interval.lower, e.interval.upper
    assert lower is not None and upper is not None and 0.0 <= lower < e.mean < upper <= 1.0


def test_binary_task_means_get_a_wilson_interval_over_tasks() -> None:
    e = over_tasks({"a": [1, 1], "b": [0, 0], "c": [1, 1], "d": [1, 1]}, proportion=True)
    assert e.n == 4
    assert isinstance(e.interval, Interval) and e.interval.method == "wilson"


def test_one_task_is_never_given_an_interval() -> None:
    e = over_tasks({"only": [1, 0, 1, 1, 0]}, proportion=True)
    assert e.n == 1
    assert isinstance(e.interval, NotEstimable)


def test_no_spread_between_tasks_is_not_a_zero_width_interval() -> None:
    e = over_tasks({"a": [0.7], "b": [0.7], "c": [0.7]})
    assert e.mean == pytest.approx(0.7)
    assert isinstance(e.interval, NotEstimable)


def test_condition_arms_need_a_single_agent() -> None:
    one = manifest(["loop"], ["solo", "auto"])
    assert resolve_arm("auto", one) == ArmRef("auto", None, "auto")
    assert resolve_arm("loop/auto", one) == ArmRef("loop/auto", "loop", "auto")
    two = manifest(["small", "large"], ["solo", "auto"])
    problem = resolve_arm("auto", two)
    assert isinstance(problem, str) and "AGENT/CONDITION" in problem
    assert resolve_arm("large/auto", two) == ArmRef("large/auto", "large", "auto")


def test_agent_arms_need_a_single_condition() -> None:
    m = manifest(["small", "large"], ["solo"])
    assert resolve_arm("large", m) == ArmRef("large", "large", None)
    assert isinstance(resolve_arm("large", manifest(["small", "large"], ["a", "b"])), str)


def test_ambiguous_and_unknown_arms_are_refused() -> None:
    m = manifest(["solo", "x"], ["solo", "auto"])
    assert "both an agent id and a condition id" in str(resolve_arm("solo", m))
    assert "neither" in str(resolve_arm("nobody", m))
    assert "must be an agent id" in str(resolve_arm("x/nowhere", m))
