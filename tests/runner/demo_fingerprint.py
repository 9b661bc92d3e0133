"""What a run directory says, minus wall-clock time: attempts, per-arm metrics and claims.

Two runs of the same manifest on the scripted model must have equal fingerprints; the
golden fingerprint in ``demo_golden.json`` was first taken from the demo before the house
was restructured (issue 11), so equality proved the restructuring changed no outcome and no
number of the report. It was regenerated since, for honest accounting (issue 12): new
record fields (hazards, shipped success, channel spend), a faulted attempt's unknown cost
(null, not 0.0), utility over shipped success, and the demo's claims on shipped success;
and for the two-process gate (issue 20): the public-tests channel's feedback quotes the
test process's failure excerpt, so the prompt tokens of word-tally's seed-3 retries under
``auto`` and ``escalate`` changed (544 fewer per arm); no outcome, verdict or other number did;
and for claim budgets (issue 12, part B): the demo's claims declare transport and
audit-distortion budgets of 0.05 each, which raise the bar their bound must clear, so
``escalate-beats-solo``'s p_claim changed (still fail_closed, insufficient_evidence);
and for the task-strength audit (issue 15): hidden tests added to add-months (+5),
interval-merge (+3), inventory-race (+1), money-rounding (+2), word-tally (+1) and
glob-match (+1) changed only ``verdict.hidden.total`` and ``verdict.hidden.passed`` of those
tasks' attempts (no outcome, success, arm metric or claim).

To regenerate it after a change that is meant to change the demo's numbers::

    .venv/bin/assay run --out /tmp/demo --quiet
    .venv/bin/python -c "import json; from pathlib import Path; \
        from tests.runner.demo_fingerprint import fingerprint; \
        Path('tests/runner/demo_golden.json').write_text(json.dumps( \
        fingerprint(Path('/tmp/demo')), indent=1, sort_keys=True) + '\n')"

and say in the commit message which fields changed and why.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from assay.records.attempt import fault_class_of
from assay.records.canonical import digest
from assay.results.claims import evaluate_run
from assay.results.metrics import METRICS, arm_metrics
from assay.results.runs import load_run

TIMED = frozenset({"duration_s", "model_time_s", "verify_time_s", "started_at", "finished_at"})
CHANNEL_TIMED = frozenset({"latency_s"})
"""Measured per inspection: left out of each channel record."""


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 9)
    if isinstance(value, dict):
        return {str(k): _round(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_round(v) for v in value]
    return value


KEY = (
    "outcome",
    "success",
    "shipped",
    "shipped_success",
    "shipped_hazard",
    "rounds",
    "retries",
    "escalations",
    "fault",
)
"""Shown field by field so a difference reads at once; every other field enters the digest."""


def _attempt(record: dict[str, Any]) -> dict[str, Any]:
    # Where an attempt ran (``ran_on``: executor, node) is the machine's, like the isolation.
    untimed = {k: v for k, v in record.items() if k not in TIMED and k != "ran_on"}
    # Fields added to assay.attempt.v1 after the golden was taken leave the digest when they
    # say nothing new: a first try, and a fault class read off the fault's own text.
    if untimed.get("try") == 1:
        del untimed["try"]
    if untimed.get("fault_class") == fault_class_of(untimed.get("fault")):
        untimed.pop("fault_class", None)
    untimed["channels"] = [
        {k: v for k, v in c.items() if k not in CHANNEL_TIMED} for c in untimed.get("channels", [])
    ]
    if untimed.get("verdict"):
        # The isolation level is the machine's, not the attempt's.
        untimed["verdict"] = {k: v for k, v in untimed["verdict"].items() if k != "isolation"}
    return {**{k: untimed[k] for k in KEY}, "digest": digest(_round(untimed))}


def _arm(arm: Any, metrics: list[str]) -> dict[str, Any]:
    estimates = {}
    for name in metrics:
        est = arm.estimate(name)
        interval = est.interval
        bounds = [interval.lower, interval.upper] if hasattr(interval, "lower") else interval.reason
        estimates[name] = {"mean": est.mean, "n": est.n, "interval": bounds}
    return {
        "attempts": arm.attempts,
        "outcomes": arm.outcomes,
        "successes": arm.successes,
        "finished_successes": arm.finished_successes,
        "shipped": arm.shipped,
        "shipped_successes": arm.shipped_successes,
        "shipped_failures": arm.shipped_failures,
        "shipped_hazards": arm.shipped_hazards,
        "unadjudicated": arm.unadjudicated,
        "retries": arm.retries,
        "escalated_attempts": arm.escalated_attempts,
        "review_inspections": arm.review_inspections,
        "oversight_cost": arm.oversight_cost,
        "retry_cost": arm.retry_cost,
        "tokens": [arm.prompt_tokens, arm.completion_tokens],
        "cost_usd": arm.cost_usd,
        "load_act": [arm.load_ops, arm.act_ops, arm.zero_write_attempts],
        "channels": {k: dataclasses.asdict(v) for k, v in arm.channels.items()},
        "hazard_channels": {k: dataclasses.asdict(v) for k, v in arm.hazard_channels.items()},
        "review": {k: v for k, v in dataclasses.asdict(arm.review).items() if k != "latency_s"},
        "pass_at_1": arm.pass_at(1),
        "estimates": estimates,
    }


def fingerprint(run_dir: Path) -> dict[str, Any]:
    """The run's attempts, metrics and claim decisions, without anything measured in time."""
    run = load_run(run_dir)
    untimed = [m for m in METRICS if m != "duration_s"]
    arms = arm_metrics(run.records, run.manifest.utility)
    claims = evaluate_run(run, record_looks=False)
    return _round(
        {
            "attempts": {
                r.attempt_id: _attempt(r.model_dump(mode="json", by_alias=True))
                for r in run.records
            },
            "arms": {"/".join(a.key): _arm(a, untimed) for a in arms},
            "claims": [
                {
                    "id": c.claim.id,
                    "status": c.status,
                    "reason": c.reason,
                    "n": c.n,
                    "mean_difference": c.mean_difference,
                    "lower_bound": c.lower_bound,
                    "p_claim": c.p_claim,
                }
                for c in claims.results
            ],
        }
    )
