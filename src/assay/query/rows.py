"""The rows of the query tables built from attempt records (one function per table)."""

from __future__ import annotations

from typing import Any

from assay.records.attempt import AttemptRecord
from assay.results.metrics import attempt_values
from assay.results.passes import passes_of
from assay.results.runs import RunData
from assay.results.scoring import channel_score, hazard_score


def attempt_row(run: RunData, r: AttemptRecord) -> dict[str, Any]:
    """One row of ``attempts``: the record flattened, with the manifest-weighted utility."""
    v = r.verdict
    return {
        **_key(run, r),
        "outcome": r.outcome,
        "success": r.success,
        "shipped": r.shipped,
        "shipped_success": r.shipped_success,
        "undetected_failure_shipped": r.undetected_failure_shipped,
        "shipped_hazard": r.shipped_hazard,
        "hazards": None if r.hazards is None else [h.model_dump() for h in r.hazards],
        "refused_escalations": len(r.refused_escalations),
        "rounds": r.rounds,
        "retries": r.retries,
        "escalations": r.escalations,
        "verdict_passed": None if v is None else v.passed,
        "public_passed": None if v is None else v.public.passed,
        "public_total": None if v is None else v.public.total,
        "hidden_passed": None if v is None else v.hidden.passed,
        "hidden_total": None if v is None else v.hidden.total,
        "flaky": None if v is None else v.flaky,
        "isolation": None if v is None else v.isolation,
        "oversight_cost": r.oversight_cost,
        "retry_cost": r.retry_cost,
        "utility": attempt_values(r, run.manifest.utility)["utility"],
        "prompt_tokens": r.tokens.prompt,
        "completion_tokens": r.tokens.completion,
        "cached_tokens": r.tokens.cached,
        "cost_usd": r.cost_usd,
        "model_calls": r.model_calls,
        "format_errors": r.format_errors,
        "load_act_ratio": r.load_act_ratio,
        "read_bytes": r.read_bytes,
        "elided_reads": r.elided_reads,
        "duration_s": r.duration_s,
        "model_time_s": r.model_time_s,
        "verify_time_s": r.verify_time_s,
        "fault": r.fault,
        "events": r.events,
        "diff": r.diff,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "tool_counts": r.tool_counts,
        "pass_reasons": r.pass_reasons,
    }


def _key(run: RunData, r: AttemptRecord) -> dict[str, Any]:
    return {
        "run": run.label,
        "attempt_id": r.attempt_id,
        "task_id": r.task_id,
        "agent_id": r.agent_id,
        "model": r.model,
        "condition": r.condition,
        "seed": r.seed,
    }


def channel_rows(run: RunData, r: AttemptRecord) -> list[dict[str, Any]]:
    """The rows of ``channels`` for one attempt: each inspection scored against both truths."""
    out = []
    for c in r.channels:
        out.append(
            {
                **_key(run, r),
                "round": c.round,
                "channel": c.channel,
                "flag": c.flag,
                "truth_failed": c.truth_failed,
                "score": channel_score(c),
                "hazards": c.hazards,
                "hazard_score": hazard_score(c),
                "escalation": c.escalation,
                "cost": c.cost,
                "latency_s": c.latency_s,
                "prompt_tokens": None if c.tokens is None else c.tokens.prompt,
                "completion_tokens": None if c.tokens is None else c.tokens.completion,
                "cost_usd": c.cost_usd,
                "findings": c.findings,
            }
        )
    return out


def pass_rows(run: RunData, r: AttemptRecord) -> list[dict[str, Any]]:
    """The rows of ``passes`` for one attempt (read from its events)."""
    return [
        {
            **_key(run, r),
            "round": p.round,
            "pass": p.pass_,
            "reads": p.reads,
            "read_bytes": p.read_bytes,
            "writes": p.writes,
            "tool_calls": p.tool_calls,
            "model_calls": p.model_calls,
            "prompt_tokens": p.prompt_tokens,
            "completion_tokens": p.completion_tokens,
            "elided_reads": p.elided_reads,
            "reason": p.reason,
        }
        for p in passes_of(r, run.root)
    ]
