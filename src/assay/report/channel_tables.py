"""The report's tables of channels, and of what the review spent.

Each channel's verdicts are scored against the hidden tests and against the hazard truth.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.report.document import Table
from assay.report.tables import DASH, arm_lead, arm_lead_headers, num, pct
from assay.results.metrics import ArmMetrics, ReviewSpend
from assay.results.runs import RunData


def channels_table(runs: Sequence[RunData], arms: Sequence[list[ArmMetrics]]) -> Table | None:
    """Each channel's detections, misses and false alarms against the hidden truth."""
    several = len(runs) > 1
    rows = []
    for run, run_arms in zip(runs, arms, strict=True):
        for a in run_arms:
            for name, c in sorted(a.channels.items()):
                rows.append(
                    [
                        *arm_lead(run, a, several),
                        name,
                        str(c.inspections),
                        str(c.detections),
                        str(c.misses),
                        str(c.false_alarms),
                        str(c.correct_passes),
                        pct(c.detection_rate),
                        pct(c.false_alarm_rate),
                        num(c.cost, 1),
                    ]
                )
    if not rows:
        return None
    lead = arm_lead_headers(several)
    return Table(
        [
            *lead,
            "channel",
            "inspections",
            "detections",
            "misses",
            "false alarms",
            "correct passes",
            "detection rate",
            "false-alarm rate",
            "cost",
        ],
        rows,
        numeric=frozenset(range(len(lead) + 1, len(lead) + 10)),
    )


def hazard_channels_table(
    runs: Sequence[RunData], arms: Sequence[list[ArmMetrics]]
) -> Table | None:
    """Each channel against the hazard truth, beside its detections against the hidden tests."""
    several = len(runs) > 1
    rows = []
    for run, run_arms in zip(runs, arms, strict=True):
        for a in run_arms:
            for name, h in sorted(a.hazard_channels.items()):
                t = a.channels.get(name)
                rows.append(
                    [
                        *arm_lead(run, a, several),
                        name,
                        str(h.inspections),
                        str(h.detections + h.misses),
                        str(h.detections),
                        str(h.misses),
                        str(h.false_alarms),
                        pct(h.detection_rate),
                        pct(h.false_alarm_rate),
                        DASH if t is None else f"{t.detections}/{t.false_alarms}",
                    ]
                )
    if not rows:
        return None
    lead = arm_lead_headers(several)
    return Table(
        [
            *lead,
            "channel",
            "inspections adjudicated",
            "with a hazard",
            "hazard detections",
            "hazard misses",
            "flags without a hazard",
            "hazard detection rate",
            "false-alarm rate (hazards)",
            "vs hidden tests: detections/false alarms",
        ],
        rows,
        numeric=frozenset(range(len(lead) + 1, len(lead) + 9)),
    )


def review_spend_table(runs: Sequence[RunData], arms: Sequence[list[ArmMetrics]]) -> Table | None:
    """What the review channel spent per arm: inspections, tokens, seconds, dollars, refusals."""
    several = len(runs) > 1
    rows = []
    for run, run_arms in zip(runs, arms, strict=True):
        for a in run_arms:
            r = a.review
            if not r.inspections and not r.refused:
                continue
            rows.append(
                [
                    *arm_lead(run, a, several),
                    str(r.inspections),
                    _known(f"{r.prompt_tokens + r.completion_tokens:,}", r.with_tokens, r),
                    _known(f"{r.latency_s:.1f}", r.timed, r),
                    _dollars(r.cost_usd, r.priced, r.inspections),
                    str(r.refused),
                ]
            )
    if not rows:
        return None
    lead = arm_lead_headers(several)
    return Table(
        [
            *lead,
            "review inspections",
            "tokens (prompt + completion)",
            "seconds",
            "dollars at [prices]",
            "escalations refused by the budget",
        ],
        rows,
        numeric=frozenset(range(len(lead), len(lead) + 5)),
    )


def _known(value: str, known: int, r: ReviewSpend) -> str:
    """A sum over the inspections where it is known, saying how many those are."""
    if not known:
        return "n/a (unknown)"
    return value if known == r.inspections else f"≥ {value} ({known} of {r.inspections} known)"


def _dollars(total: float, priced: int, inspections: int) -> str:
    if not priced:
        return "n/a (unpriced)"
    text = f"${total:.4f}"
    return text if priced == inspections else f"≥ {text} ({priced} of {inspections} priced)"
