"""Workflow metrics per agent × model × condition, from attempt records only.

Denominators are explicit: ``attempts`` counts every recorded attempt; *finished* attempts
(completed, stagnated, budget) are kept apart from *faults* (the endpoint failed) and
*interrupted* ones (the operator stopped them). Faults and interruptions still count as
failures in the headline success rate, because an evaluation that drops its errors flatters
the agent; success among finished attempts is shown beside it.

Intervals are over tasks: the attempts (seeds) of a task are averaged first, so n counts
tasks, never tasks × attempts. With fewer than two tasks no interval is printed.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from assay.records.attempt import AttemptRecord
from assay.records.manifest import UtilitySpec
from assay.results.scoring import Score, channel_score
from assay.stats.proportions import wilson
from assay.stats.result import Interval, NotEstimable, too_few

OUTCOMES = ("completed", "stagnated", "budget", "fault", "interrupted")
FINISHED = frozenset({"completed", "stagnated", "budget"})
"""Outcomes where the agent itself ran to an end (its own failures count against it)."""

METRICS: dict[str, str] = {
    "success": "the full hidden gate passed on the final workspace (1/0)",
    "shipped": "the workflow accepted the result (1/0)",
    "shipped_failure": "a result that fails the hidden gate was accepted (1/0)",
    "retries": "rounds retried after an interrupt",
    "oversight_cost": "summed cost of every channel inspection",
    "escalated": "the attempt reached the costly review channel (1/0)",
    "utility": "value·success − retry cost − oversight cost − penalty·shipped failure",
    "tokens": "prompt + completion tokens",
    "duration_s": "wall-clock seconds of the attempt",
}
"""Per-attempt metrics: names usable in tables, in claims and in queries."""

BINARY = frozenset({"success", "shipped", "shipped_failure", "escalated"})


def attempt_values(r: AttemptRecord, utility: UtilitySpec) -> dict[str, float]:
    """Every per-attempt metric of one attempt (see :data:`METRICS`)."""
    return {
        "success": float(r.success),
        "shipped": float(r.shipped),
        "shipped_failure": float(r.undetected_failure_shipped),
        "retries": float(r.retries),
        "oversight_cost": r.oversight_cost,
        "escalated": float(r.escalations > 0),
        "utility": utility.value * r.success
        - r.retry_cost
        - r.oversight_cost
        - utility.penalty * r.undetected_failure_shipped,
        "tokens": float(r.tokens.prompt + r.tokens.completion),
        "duration_s": r.duration_s,
    }


@dataclass(frozen=True)
class Estimate:
    """A mean over tasks (attempts averaged within each task first) with a 95% interval."""

    mean: float | None
    n: int
    """Tasks, never tasks × attempts."""
    interval: Interval | NotEstimable


def over_tasks(
    per_task: Mapping[str, Sequence[float]],
    *,
    proportion: bool = False,
    confidence: float = 0.95,
) -> Estimate:
    """Average each task's attempts, then estimate the mean over tasks with an interval.

    A proportion whose task means are all 0 or 1 gets a Wilson interval over tasks; any
    other metric a Student-t interval over the task means (clipped to [0, 1] for
    proportions). Fewer than two tasks, or no spread for the t interval, is not estimable.
    """
    from assay.stats.paired import t_interval

    means = [statistics.fmean(v) for _, v in sorted(per_task.items()) if v]
    n = len(means)
    if not means:
        return Estimate(None, 0, NotEstimable("no tasks"))
    mean = statistics.fmean(means)
    if (short := too_few(n, "tasks")) is not None:
        return Estimate(mean, n, short)
    if proportion and all(m in (0.0, 1.0) for m in means):
        return Estimate(mean, n, wilson(int(sum(means)), n, confidence=confidence))
    ci = t_interval(means, confidence=confidence)
    if isinstance(ci, Interval) and proportion:
        low = None if ci.lower is None else max(0.0, ci.lower)
        high = None if ci.upper is None else min(1.0, ci.upper)
        ci = Interval(ci.estimate, low, high, ci.confidence, ci.side, ci.method)
    if isinstance(ci, NotEstimable):
        ci = NotEstimable(f"every task has the same mean ({mean:g}): no spread across tasks")
    return Estimate(mean, n, ci)


@dataclass
class ChannelCounts:
    """A channel's inspections scored against the hidden truth of the workspace it saw."""

    inspections: int = 0
    detections: int = 0
    """Flagged and the truth failed."""
    misses: int = 0
    """Passed and the truth failed."""
    false_alarms: int = 0
    """Flagged and the truth passed."""
    correct_passes: int = 0
    """Passed and the truth passed."""
    cost: float = 0.0

    def add(self, score: Score) -> None:
        """Count one scored inspection."""
        if score == "detection":
            self.detections += 1
        elif score == "miss":
            self.misses += 1
        elif score == "false_alarm":
            self.false_alarms += 1
        else:
            self.correct_passes += 1

    @property
    def detection_rate(self) -> float | None:
        """Detections over inspections of failing workspaces (None when there were none)."""
        bad = self.detections + self.misses
        return self.detections / bad if bad else None

    @property
    def false_alarm_rate(self) -> float | None:
        """False alarms over inspections of passing workspaces (None when there were none)."""
        good = self.false_alarms + self.correct_passes
        return self.false_alarms / good if good else None


@dataclass
class ArmMetrics:
    """Metrics of one agent × model × condition."""

    agent: str
    model: str
    condition: str
    attempts: int = 0
    tasks: set[str] = field(default_factory=set)
    outcomes: dict[str, int] = field(default_factory=dict)
    successes: int = 0
    finished_successes: int = 0
    shipped: int = 0
    shipped_failures: int = 0
    retries: int = 0
    escalated_attempts: int = 0
    review_inspections: int = 0
    oversight_cost: float = 0.0
    retry_cost: float = 0.0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost_usd: float | None = 0.0
    duration_s: float = 0.0
    load_act: list[float] = field(default_factory=list)
    channels: dict[str, ChannelCounts] = field(default_factory=dict)
    per_task: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    """Metric → task → the values of that task's attempts."""

    @property
    def key(self) -> tuple[str, str, str]:
        """(agent, model, condition)."""
        return (self.agent, self.model, self.condition)

    @property
    def faults(self) -> int:
        """Attempts whose endpoint failed."""
        return self.outcomes.get("fault", 0)

    @property
    def interrupted(self) -> int:
        """Attempts stopped by the operator."""
        return self.outcomes.get("interrupted", 0)

    @property
    def finished(self) -> int:
        """Attempts the agent ran to its own end (completed, stagnated or budget)."""
        return sum(self.outcomes.get(o, 0) for o in FINISHED)

    @property
    def finished_success_rate(self) -> float | None:
        """Verified successes over finished attempts (None with none finished)."""
        return self.finished_successes / self.finished if self.finished else None

    def estimate(self, metric: str) -> Estimate:
        """The mean of a per-attempt metric over tasks, with its interval."""
        return over_tasks(self.per_task.get(metric, {}), proportion=metric in BINARY)

    def pass_at(self, k: int) -> float | None:
        """Unbiased pass@k over tasks, or None unless every task has at least k attempts."""
        from assay.stats.passk import PassAtK, mean_pass_at_k

        by_task = self.per_task.get("success", {})
        samples = {t: (len(v), int(sum(v))) for t, v in by_task.items()}
        result = mean_pass_at_k(samples, k)
        return result.value if isinstance(result, PassAtK) else None


def arm_metrics(
    records: Sequence[AttemptRecord], utility: UtilitySpec | None = None
) -> list[ArmMetrics]:
    """Aggregate attempt records into per-arm metrics, sorted by agent, model, condition."""
    weights = utility or UtilitySpec()
    arms: dict[tuple[str, str, str], ArmMetrics] = {}
    for r in records:
        key = (r.agent_id, r.model, r.condition)
        m = arms.setdefault(key, ArmMetrics(*key))
        m.attempts += 1
        m.tasks.add(r.task_id)
        m.outcomes[r.outcome] = m.outcomes.get(r.outcome, 0) + 1
        m.successes += r.success
        m.finished_successes += r.success and r.outcome in FINISHED
        m.shipped += r.shipped
        m.shipped_failures += r.undetected_failure_shipped
        m.retries += r.retries
        m.escalated_attempts += r.escalations > 0
        m.oversight_cost += r.oversight_cost
        m.retry_cost += r.retry_cost
        m.prompt_tokens += r.tokens.prompt
        m.completion_tokens += r.tokens.completion
        m.cost_usd = None if m.cost_usd is None or r.cost_usd is None else m.cost_usd + r.cost_usd
        m.duration_s += r.duration_s
        if r.load_act_ratio is not None and math.isfinite(r.load_act_ratio):
            m.load_act.append(r.load_act_ratio)
        for name, value in attempt_values(r, weights).items():
            m.per_task.setdefault(name, {}).setdefault(r.task_id, []).append(value)
        for c in r.channels:
            m.review_inspections += c.escalation
            cc = m.channels.setdefault(c.channel, ChannelCounts())
            cc.inspections += 1
            cc.cost += c.cost
            cc.add(channel_score(c))
    return [arms[k] for k in sorted(arms)]
