"""The audit distortion a run's data can bound, beside the budget a claim declared.

A condition with a ``sample:P`` escalation trigger audits a seeded random share of its
attempts. Each attempt's first audit draw (an ``audit_draw`` event) assigns it at random:
audited or not. The difference between the two groups' mean of a metric estimates how much
the audit itself moves what is measured — the distortion a claim's
``audit_distortion_budget`` is meant to allow for. Attempts that never reached a draw
(another trigger escalated them first) are left out.

The bound is on |difference| at 95%: for a 0/1 metric, each group's Clopper–Pearson
interval at 97.5% and the widest gap between them (a union bound, conservative); for any
other metric, Hoeffding's bound on each mean within the claim's ``bounds``. Attempts are
treated as independent draws, which the randomised assignment makes reasonable; with
fewer than two attempts in either group nothing is estimated.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.records.attempt import AttemptRecord
from assay.records.audit import AUDIT_DRAW
from assay.records.claim import ClaimSpec
from assay.results.metrics import BINARY, METRICS, attempt_values
from assay.results.runs import RunData
from assay.stats.proportions import clopper_pearson
from assay.stats.result import Interval

CONFIDENCE = 0.95
MIN_GROUP = 2


@dataclass(frozen=True)
class AuditDistortion:
    """Audited against unaudited attempts of one sampled condition, on one metric."""

    claim_id: str
    condition: str
    rate: float
    metric: str
    audited: int
    unaudited: int
    audited_mean: float | None
    unaudited_mean: float | None
    difference: float | None
    """audited − unaudited; ``None`` when not estimable."""
    upper_bound: float | None
    """95% upper bound of |difference|; ``None`` when not estimable."""
    budget: float
    """The claim's declared ``audit_distortion_budget``."""
    note: str
    """What the comparison says (or why nothing could be estimated)."""

    @property
    def covered(self) -> bool | None:
        """Whether the declared budget covers the bound (``None``: not estimable)."""
        return None if self.upper_bound is None else self.budget >= self.upper_bound

    def to_json(self) -> dict[str, object]:
        """Plain data for ``--json`` output."""
        return {
            "claim_id": self.claim_id,
            "condition": self.condition,
            "rate": self.rate,
            "metric": self.metric,
            "audited": self.audited,
            "unaudited": self.unaudited,
            "audited_mean": self.audited_mean,
            "unaudited_mean": self.unaudited_mean,
            "difference": self.difference,
            "upper_bound": self.upper_bound,
            "budget": self.budget,
            "covered": self.covered,
            "note": self.note,
        }


def first_draw(root: Path, record: AttemptRecord) -> bool | None:
    """Whether the attempt's first audit draw selected it (``None``: it was never drawn)."""
    path = root / record.events
    if not path.is_file():
        return None
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if f'"{AUDIT_DRAW}"' not in line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("kind") == AUDIT_DRAW:
                return bool(event.get("data", {}).get("selected"))
    return None


def _sample_rate(run: RunData, condition: str) -> float | None:
    for c in run.manifest.conditions:
        if c.id == condition:
            for trigger in c.escalate_when:
                if trigger.startswith("sample:"):
                    return float(trigger.split(":", 1)[1])
    return None


def _bound(spec: ClaimSpec, a: Sequence[float], u: Sequence[float]) -> float:
    low, high = spec.bounds
    if spec.metric in BINARY:
        ia = clopper_pearson(int(sum(a)), len(a), confidence=1 - (1 - CONFIDENCE) / 2)
        iu = clopper_pearson(int(sum(u)), len(u), confidence=1 - (1 - CONFIDENCE) / 2)
        assert isinstance(ia, Interval) and isinstance(iu, Interval)
        la, ha, lu, hu = ia.lower or 0.0, ia.upper or 1.0, iu.lower or 0.0, iu.upper or 1.0
        return min(1.0, max(ha - lu, hu - la)) * (high - low)
    # Hoeffding, two-sided at 97.5% for each mean: half-width span·√(ln(4/(1−c)) / 2n).
    span = high - low
    tail = math.log(4 / (1 - CONFIDENCE)) / 2
    width = span * (math.sqrt(tail / len(a)) + math.sqrt(tail / len(u)))
    return min(span, abs(statistics.fmean(a) - statistics.fmean(u)) + width)


def audit_distortions(run: RunData) -> list[AuditDistortion]:
    """One estimate per declared claim and sampled condition among its arms."""
    from assay.results.claims import resolve_arm

    out: list[AuditDistortion] = []
    values = {r.attempt_id: attempt_values(r, run.manifest.utility) for r in run.records}
    draws = {
        r.attempt_id: first_draw(run.root, r)
        for r in run.records
        if _sample_rate(run, r.condition) is not None
    }
    for spec in run.manifest.claims:
        if spec.metric not in METRICS:
            continue
        for name in dict.fromkeys((spec.treatment, spec.control)):
            arm = resolve_arm(name, run.manifest, spec.where)
            if isinstance(arm, str) or arm.condition is None:
                continue
            rate = _sample_rate(run, arm.condition)
            if rate is None:
                continue
            mine = [r for r in run.records if arm.matches(r) and r.outcome != "interrupted"]
            out.append(
                _estimate(spec, arm.condition, rate=rate, records=mine, draws=draws, values=values)
            )
    return out


def _estimate(
    spec: ClaimSpec,
    condition: str,
    *,
    rate: float,
    records: Sequence[AttemptRecord],
    draws: dict[str, bool | None],
    values: dict[str, dict[str, float]],
) -> AuditDistortion:
    low = spec.bounds[0]
    groups: dict[bool, list[float]] = {True: [], False: []}
    for r in records:
        drawn = draws.get(r.attempt_id)
        if drawn is not None:
            value = low if r.outcome == "fault" else values[r.attempt_id][spec.metric]
            groups[drawn].append(value)
    a, u = groups[True], groups[False]
    enough = len(a) >= MIN_GROUP and len(u) >= MIN_GROUP
    bound = _bound(spec, a, u) if enough else None
    if bound is None:
        note = (
            f"not estimable: {len(a)} audited and {len(u)} unaudited attempts with an audit"
            f" draw; at least {MIN_GROUP} of each are needed (runs from before audit draws were"
            " recorded have none)"
        )
    elif spec.audit_distortion_budget >= bound:
        note = f"|difference| ≤ {bound:.3g} at 95%; the declared budget covers it"
    else:
        note = (
            f"|difference| ≤ {bound:.3g} at 95%; the declared budget is below what the data"
            " can rule out"
        )
    return AuditDistortion(
        claim_id=spec.id,
        condition=condition,
        rate=rate,
        metric=spec.metric,
        audited=len(a),
        unaudited=len(u),
        audited_mean=statistics.fmean(a) if a else None,
        unaudited_mean=statistics.fmean(u) if u else None,
        difference=statistics.fmean(a) - statistics.fmean(u) if enough else None,
        upper_bound=bound,
        budget=spec.audit_distortion_budget,
        note=note,
    )
