"""Attempt rows and their reduction to paired units (tasks, or clusters of tasks).

The unit of analysis is the task: several attempts of one arm on a task are averaged
first, so n counts tasks, never tasks × attempts. When tasks carry cluster labels the unit
becomes the cluster (the mean of its tasks' differences), which keeps correlated tasks from
passing as independent evidence.

Errors and timeouts count as failures: an attempt without a value (``value=None``) takes
the worst value of the metric's range — 0 for a success metric. Dropping them instead
would reward an arm for crashing on the tasks it would have failed.
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from assay.records.canonical import dumps
from assay.records.claim import ClaimSpec, Unit
from assay.stats.paired import PairedCounts


@dataclass(frozen=True, slots=True)
class Row:
    """One attempt of one arm on one task."""

    task: str
    arm: str
    attempt: str
    value: float | None
    """The metric's value; ``None`` when the attempt errored or timed out (a failure)."""
    cluster: str | None = None
    """Optional group of related tasks (same repository, template, author)."""
    suite: str | None = None
    """The task's suite (as the manifest names it); ``None`` when unknown."""
    seed: int | None = None
    """The attempt's seed (1-based); ``None`` when unknown."""
    agent: str | None = None
    model: str | None = None
    tags: tuple[str, ...] | None = None
    """The task's tags; ``None`` when unknown (an empty tuple: a task without tags)."""


@dataclass(frozen=True)
class Units:
    """Per-unit differences oriented so that positive favours the claim."""

    unit: Unit
    differences: list[float]
    tasks: int
    attempts: int
    paired: PairedCounts | None
    """The paired 2×2 table when every task has one binary attempt per arm (for Newcombe)."""


@dataclass(frozen=True)
class Invalid:
    """Why the rows cannot back the claim (the gate reports ``data_invalid``)."""

    detail: str


def data_hash(spec: ClaimSpec, rows: Sequence[Row]) -> str:
    """Return the sha256 of the claim's metric and its two arms' rows, in canonical order."""
    arms = (spec.treatment, spec.control)
    # float.hex is exact and also spells NaN and infinities, which canonical JSON refuses;
    # plain strings keep duplicate rows sortable.
    mine = sorted(
        (
            r.task,
            r.arm,
            r.attempt,
            "error" if r.value is None else float(r.value).hex(),
            r.cluster or "",
        )
        for r in rows
        if r.arm in arms
    )
    payload = dumps({"metric": spec.metric, "rows": [list(r) for r in mine]})
    return hashlib.sha256(payload.encode()).hexdigest()


def oriented(spec: ClaimSpec, value: float | None) -> float:
    """Return ``value`` reflected for ``less`` claims, with errors at the worst end."""
    low, high = spec.bounds
    if value is None:
        return low
    # Reflection within the bounds flips the sign of every difference and keeps binary
    # outcomes binary, so one code path (and the Newcombe bound) serves both directions.
    return value if spec.direction == "greater" else low + high - value


def _check_row(spec: ClaimSpec, row: Row) -> str | None:
    low, high = spec.bounds
    if not row.task:
        return "a row has an empty task"
    if row.value is not None and not (math.isfinite(row.value) and low <= row.value <= high):
        return (
            f"task {row.task!r}, arm {row.arm!r}, attempt {row.attempt!r}: value {row.value!r}"
            f" outside the metric's bounds [{low:g}, {high:g}]"
        )
    return None


def build_units(spec: ClaimSpec, rows: Sequence[Row]) -> Units | Invalid:
    """Reduce the claim's rows to per-unit differences, or say why they cannot be used."""
    arms = (spec.treatment, spec.control)
    values: dict[str, dict[str, list[float]]] = defaultdict(lambda: {a: [] for a in arms})
    clusters: dict[str, set[str | None]] = defaultdict(set)
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        if row.arm not in arms:
            continue
        if (problem := _check_row(spec, row)) is not None:
            return Invalid(problem)
        key = (row.task, row.arm, row.attempt)
        if key in seen:
            return Invalid(f"task {row.task!r}, arm {row.arm!r}: attempt {row.attempt!r} twice")
        seen.add(key)
        values[row.task][row.arm].append(oriented(spec, row.value))
        clusters[row.task].add(row.cluster)
    if not values:
        return Invalid(f"no rows for arms {spec.treatment!r} and {spec.control!r}")
    cluster_of: dict[str, str | None] = {}
    for task, by_arm in sorted(values.items()):
        missing = [arm for arm in arms if not by_arm[arm]]
        if missing:
            return Invalid(f"task {task!r} has no attempts in arm {missing[0]!r}")
        if len(clusters[task]) > 1:
            return Invalid(f"task {task!r} carries more than one cluster label")
        cluster_of[task] = clusters[task].pop()
    tasks = sorted(values)
    diffs = [
        statistics.fmean(values[t][spec.treatment]) - statistics.fmean(values[t][spec.control])
        for t in tasks
    ]
    labelled = {task: c for task, c in cluster_of.items() if c is not None}
    if not labelled:
        return Units("task", diffs, len(tasks), len(seen), _paired(spec, tasks, values))
    if len(labelled) < len(tasks):
        return Invalid("some tasks have a cluster label and others do not")
    return _by_cluster(tasks, diffs, labelled, len(seen))


def _by_cluster(
    tasks: list[str], diffs: list[float], cluster_of: dict[str, str], attempts: int
) -> Units:
    grouped: dict[str, list[float]] = defaultdict(list)
    for task, d in zip(tasks, diffs, strict=True):
        grouped[cluster_of[task]].append(d)
    means = [statistics.fmean(grouped[c]) for c in sorted(grouped)]
    return Units("cluster", means, len(tasks), attempts, None)


def _paired(
    spec: ClaimSpec, tasks: list[str], values: dict[str, dict[str, list[float]]]
) -> PairedCounts | None:
    """Return the paired table when every task has one attempt per arm at either bound."""
    low, high = spec.bounds
    outcome: dict[str, list[int]] = {spec.treatment: [], spec.control: []}
    for task in tasks:
        for arm, vs in values[task].items():
            if len(vs) != 1 or vs[0] not in (low, high):
                return None
            outcome[arm].append(int(vs[0] == high))
    return PairedCounts.from_outcomes(outcome[spec.treatment], outcome[spec.control])
