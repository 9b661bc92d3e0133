"""A run's progress from its records alone: done/planned, outcomes, faults, spend, time left.

Read without the writer's lock (:func:`assay.results.runs.load_run` opens the run directory
read-only and ignores a last line cut mid-write), so it works on a run in progress. It never
evaluates claims: no look is spent and nothing under ``claims/`` is read or written.

Time left is ``remaining × mean attempt duration ÷ concurrency.attempts``: the attempts
recorded so far (interrupted ones excluded) give the mean, the manifest the parallelism.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import get_args

from assay.records.outcome import Outcome
from assay.results.metrics import arm_metrics
from assay.results.runs import RunData, load_run


@dataclass(frozen=True)
class RunStatus:
    """What a run directory says about its progress, as of ``now``."""

    run: str
    name: str
    planned: int
    done: int
    """Planned attempts with a finished record (an interrupted one is not done)."""
    outcomes: dict[str, int]
    """Outcome → count over the latest record of every attempt (zeros included)."""
    infrastructure_faults: int
    model_faults: int
    prompt_tokens: int
    completion_tokens: int
    cost_usd: float | None
    """The agents' model dollars as the report counts them; None once one is unknown."""
    oversight_cost: float
    """Channel inspections' cost in the manifest's units."""
    elapsed_s: float | None
    """From the run's start to its last record (finished) or to ``now`` (in progress)."""
    mean_attempt_s: float | None
    concurrency: int
    eta_s: float | None
    """Estimated seconds left; 0 when complete, None before any attempt finished."""

    @property
    def remaining(self) -> int:
        """Planned attempts still without a finished record."""
        return self.planned - self.done

    @property
    def complete(self) -> bool:
        """Every planned attempt has a finished record."""
        return self.remaining == 0

    def as_json(self) -> dict[str, object]:
        """The status as one JSON object (``assay status --json``)."""
        return {
            "run": self.run,
            "name": self.name,
            "planned": self.planned,
            "done": self.done,
            "remaining": self.remaining,
            "complete": self.complete,
            "outcomes": self.outcomes,
            "faults": {"infrastructure": self.infrastructure_faults, "model": self.model_faults},
            "tokens": {"prompt": self.prompt_tokens, "completion": self.completion_tokens},
            "cost_usd": self.cost_usd,
            "oversight_cost": self.oversight_cost,
            "elapsed_s": self.elapsed_s,
            "mean_attempt_s": self.mean_attempt_s,
            "concurrency": self.concurrency,
            "eta_s": self.eta_s,
        }


def parse_stamp(text: object) -> datetime | None:
    """A record's ISO 8601 time as an aware datetime (UTC if it names no zone); None if not one."""
    if not isinstance(text, str):
        return None
    try:
        stamp = datetime.fromisoformat(text)
    except ValueError:
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=UTC)


def _elapsed(run: RunData, complete: bool, now: datetime) -> float | None:
    starts = [s for s in (parse_stamp(r.started_at) for r in run.records) if s is not None]
    started = parse_stamp(run.environment.get("started_at"))
    if started is not None:
        starts.append(started)
    if not starts:
        return None
    ends = [e for e in (parse_stamp(r.finished_at) for r in run.records) if e is not None]
    end = max(ends) if complete and ends else now
    return max(0.0, (end - min(starts)).total_seconds())


def status_of(run: RunData, now: datetime | None = None) -> RunStatus:
    """The progress of a loaded run (``now``: the clock for a run in progress)."""
    now = now or datetime.now(UTC)
    planned = len(run.planned())
    done = planned - len(run.missing_attempts())
    arms = arm_metrics(run.records, run.manifest.utility)
    cost: float | None = 0.0
    for arm in arms:
        cost = None if cost is None or arm.cost_usd is None else cost + arm.cost_usd
    durations = [r.duration_s for r in run.records if r.outcome != "interrupted"]
    mean = statistics.fmean(durations) if durations else None
    workers = run.manifest.concurrency.attempts
    remaining = planned - done
    if remaining == 0:
        eta: float | None = 0.0
    else:
        eta = None if mean is None else remaining * mean / workers
    return RunStatus(
        run=run.label,
        name=run.manifest.name,
        planned=planned,
        done=done,
        outcomes={o: sum(r.outcome == o for r in run.records) for o in get_args(Outcome)},
        infrastructure_faults=sum(r.fault_class == "infrastructure" for r in run.records),
        model_faults=sum(r.fault_class == "model" for r in run.records),
        prompt_tokens=sum(a.prompt_tokens for a in arms),
        completion_tokens=sum(a.completion_tokens for a in arms),
        cost_usd=cost,
        oversight_cost=sum(a.oversight_cost for a in arms),
        elapsed_s=_elapsed(run, remaining == 0, now),
        mean_attempt_s=mean,
        concurrency=workers,
        eta_s=eta,
    )


def read_status(path: Path) -> RunStatus:
    """Load ``path`` (read-only, no lock) and return its status; bad input raises InputError."""
    return status_of(load_run(path))
