"""What a run's judgments say: the quality gap per arm, agreement between judges, position bias.

- **Gap** per arm (agent/condition and model): each ``ok`` judgment's subject total −
  reference total, averaged within a task (over the arm's attempts, judges and orders), then
  over tasks with a Student-t 95% interval (tasks are the units, as everywhere in assay).
- **Agreement**: Krippendorff's alpha (interval level; the ``krippendorff`` package) per
  dimension and for the total, between judge models. A unit is one score of one solution
  in one presentation: (pair, position, subject or reference); units scored by fewer than
  two judges are left out.
- **Position bias** per judge, over pairs it judged in both orders: half the difference
  between the gap with the subject shown first and the gap with it shown second — the
  points a solution gains from being shown as "A" — and how many pairs' preferred side
  flipped with the order.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass

from assay.errors import require_extra
from assay.records.judgment import JudgmentRecord
from assay.stats.paired import t_interval
from assay.stats.result import Interval, NotEstimable

TOTAL = "total"
EXTRA = "judge"
"""The optional extra that carries the ``krippendorff`` package."""


def require_krippendorff() -> None:
    """Raise :class:`InputError` (exit 2) when the ``krippendorff`` package is missing."""
    require_extra(
        "krippendorff",
        feature="agreement between judges",
        alternative="judge with one --judge-model",
    )


@dataclass(frozen=True)
class ArmGap:
    """The quality gap of one arm against the reference solutions."""

    arm: str
    model: str
    attempts: int
    """Attempts with at least one ``ok`` judgment."""
    tasks: int
    judgments: int
    failed: int
    subject_total: float | None
    reference_total: float | None
    gap: float | None
    """Mean over tasks of the per-task mean gap (None: no judgment could be read)."""
    interval: Interval | NotEstimable
    subject_lint: float | None
    """Mean ruff findings per judged attempt (None when ruff was unavailable)."""
    reference_lint: float | None


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha of one dimension between the judges."""

    dimension: str
    alpha: float | None
    units: int
    judges: int
    note: str | None = None


@dataclass(frozen=True)
class PositionBias:
    """How much one judge favours the solution shown first."""

    judge: str
    pairs: int
    first_advantage: float | None
    """Mean points a solution gains by being shown first (None: no pair in both orders)."""
    interval: Interval | NotEstimable
    flips: int
    """Pairs whose preferred side (or tie) changed with the order."""


def _mean(values: list[float]) -> float | None:
    return statistics.fmean(values) if values else None


def _interval(values: list[float]) -> Interval | NotEstimable:
    if not values:
        return NotEstimable("no judgment could be read")
    return t_interval(values)


def arm_gaps(judgments: list[JudgmentRecord]) -> list[ArmGap]:
    """The gap per arm, arms in name order."""
    by_arm: dict[tuple[str, str], list[JudgmentRecord]] = defaultdict(list)
    for j in judgments:
        by_arm[(j.subject_arm, j.subject_model)].append(j)
    out = []
    for (arm, model), rows in sorted(by_arm.items()):
        ok = [j for j in rows if j.status == "ok" and j.gap is not None]
        per_task: dict[str, list[float]] = defaultdict(list)
        for j in ok:
            per_task[j.task_id].append(j.gap)  # type: ignore[arg-type]
        task_means = [statistics.fmean(v) for _, v in sorted(per_task.items())]
        lint_sub = {j.attempt_id: j.subject_lint.total for j in rows}
        lint_ref = {j.attempt_id: j.reference_lint.total for j in rows}
        out.append(
            ArmGap(
                arm=arm,
                model=model,
                attempts=len({j.attempt_id for j in ok}),
                tasks=len(per_task),
                judgments=len(rows),
                failed=sum(j.status == "failed" for j in rows),
                subject_total=_mean([j.subject.total for j in ok if j.subject]),
                reference_total=_mean([j.reference.total for j in ok if j.reference]),
                gap=_mean(task_means),
                interval=_interval(task_means),
                subject_lint=None
                if None in lint_sub.values()
                else _mean([float(v or 0) for v in lint_sub.values()]),
                reference_lint=None
                if None in lint_ref.values()
                else _mean([float(v or 0) for v in lint_ref.values()]),
            )
        )
    return out


def judges_of(judgments: list[JudgmentRecord]) -> list[str]:
    """The judge specs that recorded judgments, in order of first appearance."""
    return list(dict.fromkeys(j.judge_spec for j in judgments))


def _scores(j: JudgmentRecord, dimension: str) -> dict[str, float]:
    out = {}
    for side, scores in (("subject", j.subject), ("reference", j.reference)):
        if scores is not None:
            out[side] = scores.total if dimension == TOTAL else scores.dimensions[dimension].score
    return out


def agreement(judgments: list[JudgmentRecord]) -> list[Agreement]:
    """Krippendorff's alpha per dimension and for the total; empty with fewer than 2 judges."""
    judges = judges_of(judgments)
    if len(judges) < 2:
        return []
    require_krippendorff()
    import krippendorff
    import numpy as np

    ok = [j for j in judgments if j.status == "ok"]
    dims = sorted({d for j in ok if j.subject for d in j.subject.dimensions})
    out = []
    for dim in [*dims, TOTAL]:
        cells: dict[tuple[str, str, str], dict[str, float]] = defaultdict(dict)
        for j in ok:
            if dim != TOTAL and (j.subject is None or dim not in j.subject.dimensions):
                continue
            for side, score in _scores(j, dim).items():
                cells[(j.pair_id, j.position, side)][j.judge_spec] = score
        units = [u for u, by in sorted(cells.items()) if len(by) >= 2]
        if not units:
            out.append(Agreement(dim, None, 0, len(judges), "no unit scored by two judges"))
            continue
        data = np.array(
            [[cells[u].get(judge, math.nan) for u in units] for judge in judges], dtype=float
        )
        try:
            alpha = float(
                krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
            )
        except (ValueError, ZeroDivisionError) as exc:
            out.append(Agreement(dim, None, len(units), len(judges), f"not defined: {exc}"))
            continue
        if not math.isfinite(alpha):
            out.append(Agreement(dim, None, len(units), len(judges), "not defined: no variation"))
            continue
        out.append(Agreement(dim, alpha, len(units), len(judges)))
    return out


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def position_bias(judgments: list[JudgmentRecord]) -> list[PositionBias]:
    """Per judge, over the pairs it judged (``ok``) in both orders."""
    gaps: dict[str, dict[str, dict[str, float]]] = defaultdict(lambda: defaultdict(dict))
    for j in judgments:
        if j.status == "ok" and j.gap is not None:
            gaps[j.judge_spec][j.pair_id][j.position] = j.gap
    out = []
    for judge in judges_of(judgments):
        both = [g for g in gaps[judge].values() if len(g) == 2]
        advantage = [(g["first"] - g["second"]) / 2 for g in both]
        flips = sum(_sign(g["first"]) != _sign(g["second"]) for g in both)
        found: Interval | NotEstimable = (
            _interval(advantage)
            if advantage
            else NotEstimable("no pair judged in both orders (use --both-orders)")
        )
        out.append(PositionBias(judge, len(both), _mean(advantage), found, flips))
    return out
