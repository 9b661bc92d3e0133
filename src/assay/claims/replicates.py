"""Replicate arms: repeated runs of two arms on one task, decided by an unpaired exact test.

A harness study runs one task many times per arm (4 of 7 runs pass against 0 of 10). The
runs of an arm are independent replicates, not pairs, so the paired machinery (per-task
differences, the sign test) does not apply: the arms are compared with Fisher's one-sided
exact test, computed in integers. A few tasks are claims of their own (``per = ["task"]``),
and Holm's adjustment runs across the family as for every claim.

The exact test is of "the treatment's rate is higher". A claim with a threshold above zero
(margin + budgets) must also clear it with a conservative bound on the difference: the
treatment's Clopper–Pearson lower bound minus the control's upper bound, each at half the
claim's alpha (a union bound, so the difference's coverage is at least 1 − alpha).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from assay.claims.data import Invalid, Row, oriented
from assay.records.claim import ClaimSpec
from assay.stats.exact import fisher_greater_exact, fisher_greater_floor
from assay.stats.proportions import clopper_pearson
from assay.stats.result import Interval


@dataclass(frozen=True)
class Replicates:
    """Successes and runs of each arm on the claim's one task."""

    task: str
    treatment: tuple[int, int]
    control: tuple[int, int]


@dataclass(frozen=True)
class ReplicateEvidence:
    """What the runs say about a replicates claim."""

    runs: Replicates
    mean_difference: float
    """Treatment rate − control rate, in the metric's units (positive favours the claim)."""
    lower_bound: float | None
    """Clopper–Pearson difference bound (see the module), ``None`` with too few runs."""
    p_fisher: float
    p_floor: float
    """The smallest p any data with these margins could give (feasibility)."""


def build_replicates(spec: ClaimSpec, rows: Sequence[Row]) -> Replicates | Invalid:
    """Count each arm's successes on the one task, or say why the rows cannot be used."""
    arms = (spec.treatment, spec.control)
    low, high = spec.bounds
    counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: {a: [0, 0] for a in arms})
    seen: set[tuple[str, str, str]] = set()
    for row in rows:
        if row.arm not in arms:
            continue
        key = (row.task, row.arm, row.attempt)
        if key in seen:
            return Invalid(f"task {row.task!r}, arm {row.arm!r}: run {row.attempt!r} twice")
        seen.add(key)
        value = oriented(spec, row.value)
        if value not in (low, high):
            return Invalid(
                f"task {row.task!r}, arm {row.arm!r}, run {row.attempt!r}: value {row.value!r};"
                f" replicates are decided by an exact test of rates, so every run must be at"
                f" either end of the metric's bounds [{low:g}, {high:g}]"
            )
        cell = counts[row.task][row.arm]
        cell[0] += int(value == high)
        cell[1] += 1
    if not counts:
        return Invalid(f"no rows for arms {spec.treatment!r} and {spec.control!r}")
    if len(counts) > 1:
        return Invalid(
            f"replicates compare runs on one task, but the rows hold {len(counts)}"
            f" ({', '.join(sorted(counts)[:5])}); narrow the claim with where.task or decide"
            ' each task on its own with per = ["task"]'
        )
    task, by_arm = next(iter(counts.items()))
    for arm in arms:
        if by_arm[arm][1] == 0:
            return Invalid(f"task {task!r} has no runs in arm {arm!r}")
    t, c = by_arm[spec.treatment], by_arm[spec.control]
    return Replicates(task, (t[0], t[1]), (c[0], c[1]))


def weigh_replicates(spec: ClaimSpec, runs: Replicates) -> ReplicateEvidence:
    """Fisher's one-sided exact p, its floor at these margins, and the difference bound."""
    (x1, n1), (x2, n2) = runs.treatment, runs.control
    span = spec.bounds[1] - spec.bounds[0]
    half = spec.alpha_per_look / 2.0
    lower_t = clopper_pearson(x1, n1, confidence=1.0 - half, side="lower")
    upper_c = clopper_pearson(x2, n2, confidence=1.0 - half, side="upper")
    bound = None
    low = lower_t.lower if isinstance(lower_t, Interval) else None
    high = upper_c.upper if isinstance(upper_c, Interval) else None
    if low is not None and high is not None:
        bound = (low - high) * span
    return ReplicateEvidence(
        runs=runs,
        mean_difference=(x1 / n1 - x2 / n2) * span,
        lower_bound=bound,
        p_fisher=fisher_greater_exact(runs.treatment, runs.control),
        p_floor=fisher_greater_floor(runs.treatment, runs.control),
    )
