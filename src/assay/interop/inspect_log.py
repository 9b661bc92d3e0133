"""A run directory as Inspect AI ``.eval`` logs (``assay export inspect``).

One log per arm (agent × model × condition: an Inspect "task" evaluated once), the run's
tasks as its samples and the seeds as epochs. Each attempt's hidden verdict is the score
``hidden_verdict``: ``C`` (value 1 for Inspect's ``accuracy``) when the full hidden gate
passed on the final workspace — assay's raw ``success`` — else ``I``; faults and
interruptions score ``I``, as assay counts them. Inspect computes the results itself
(``recompute_metrics``: ``accuracy`` and ``stderr``, epochs reduced by ``mean``), so its
accuracy is the mean over tasks of each task's mean over seeds: the report's success rate.

The run directory stays the authority: every log says so in its eval metadata, carries the
manifest digest, and holds the claims as pre-registered plus the looks already recorded in
``claims/ledger.jsonl`` — exporting decides no claim and spends no look.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay import __version__
from assay.claims.ledger import LookLedger
from assay.errors import InputError
from assay.records.attempt import AttemptRecord
from assay.results.claims import LEDGER
from assay.results.runs import RunData

if TYPE_CHECKING:
    from inspect_ai.log import EvalLog, EvalSample

EXTRA = "inspect"
SCORER = "hidden_verdict"
AUTHORITY = (
    "Exported by assay from a run directory, which stays the authority: regenerate this log"
    " with `assay export inspect`; decide claims with `assay claims` on the run directory."
)


def require_inspect() -> None:
    """Raise :class:`InputError` (exit 2) when ``inspect_ai`` is not installed."""
    try:
        import inspect_ai.log  # noqa: F401
    except ImportError:
        raise InputError.single(
            "inspect_ai",
            "",
            "the inspect-ai package is not installed (assay export inspect writes its logs)",
            f"pip install 'assay[{EXTRA}]'",
        ) from None


def _stamp(text: str) -> str:
    return text if text.endswith(("Z", "+00:00")) else text + "+00:00"


def _sample(run: RunData, r: AttemptRecord) -> EvalSample:
    from inspect_ai.log import EvalSample
    from inspect_ai.model import ModelUsage
    from inspect_ai.scorer import Score

    from assay.interop.transcript import transcript

    v = r.verdict
    reasons = "; ".join(v.reasons) if v is not None else "no verdict (interrupted or faulted)"
    usage = ModelUsage(
        input_tokens=r.tokens.prompt,
        output_tokens=r.tokens.completion,
        total_tokens=r.tokens.prompt + r.tokens.completion,
        input_tokens_cache_read=r.tokens.cached,
        total_cost=r.cost_usd,
    )
    messages = (
        []
        if r.attempt_id in run.missing_artifacts
        else transcript(r.attempt_id, run.root / r.events)
    )
    return EvalSample(
        id=r.task_id,
        epoch=r.seed,
        input=f"Task {r.task_id}: make the task's hidden tests pass (the prompt is in its"
        " task folder, recorded by digest in the run's tasks.json).",
        target="the full hidden gate passes on the final workspace",
        messages=messages,
        scores={
            SCORER: Score(value="C" if r.success else "I", answer=r.outcome, explanation=reasons)
        },
        metadata={
            "attempt_id": r.attempt_id,
            "outcome": r.outcome,
            "success": r.success,
            "shipped": r.shipped,
            "shipped_success": r.shipped_success,
            "shipped_hazard": r.shipped_hazard,
            "rounds": r.rounds,
            "retries": r.retries,
            "escalations": r.escalations,
            "oversight_cost": r.oversight_cost,
            "cost_usd": r.cost_usd,
            "fault": r.fault,
            "verdict": None if v is None else v.model_dump(mode="json"),
            "channels": [c.model_dump(mode="json") for c in r.channels],
            "events_file": r.events,
            "diff_file": r.diff,
        },
        model_usage={r.model: usage},
        started_at=_stamp(r.started_at),
        completed_at=_stamp(r.finished_at),
        total_time=r.duration_s,
        working_time=r.duration_s,
        uuid=r.attempt_id,
    )


def _claims(run: RunData) -> dict[str, Any]:
    looks = LookLedger(run.root / LEDGER).records()
    return {
        "preregistered": [c.model_dump(mode="json", by_alias=True) for c in run.manifest.claims],
        "looks_recorded": [look.model_dump(mode="json", by_alias=True) for look in looks],
    }


def arm_log(run: RunData, agent: str, condition: str) -> EvalLog:
    """The Inspect log of one arm, its results computed by Inspect from the sample scores."""
    from inspect_ai.log import (
        EvalConfig,
        EvalDataset,
        EvalLog,
        EvalSpec,
        EvalStats,
        recompute_metrics,
    )
    from inspect_ai.log._log import EvalMetricDefinition, EvalScorer

    records = [r for r in run.records if (r.agent_id, r.condition) == (agent, condition)]
    # The model as the records name it (the one the attempts ran), else the manifest's spec.
    model = (
        records[0].model if records else next(a.model for a in run.manifest.agents if a.id == agent)
    )
    tasks = list(run.planned_tasks or run.task_ids)
    planned = {c for c in run.planned() if (c[1], c[2]) == (agent, condition)}
    done = {
        (r.task_id, r.agent_id, r.condition, r.seed) for r in records if r.outcome != "interrupted"
    }
    starts = sorted(_stamp(r.started_at) for r in records)
    ends = sorted(_stamp(r.finished_at) for r in records)
    created = str(run.environment.get("started_at") or (starts[0] if starts else ""))
    eval_id = hashlib.sha256(f"{run.recorded_digest}/{agent}/{condition}".encode()).hexdigest()[:22]
    spec = EvalSpec(
        eval_id=eval_id,
        run_id=run.recorded_digest[:22],
        created=_stamp(created) if created else "1970-01-01T00:00:00+00:00",
        task=f"{run.manifest.name}/{agent}/{condition}",
        task_id=eval_id,
        task_args={"agent": agent, "model": model, "condition": condition},
        solver=f"assay:{agent}",
        dataset=EvalDataset(
            name=",".join(run.planned_suites()), samples=len(tasks), sample_ids=tasks
        ),
        model=model,
        config=EvalConfig(epochs=run.manifest.seeds, epochs_reducer=["mean"]),
        packages={"assay": __version__},
        scorers=[
            EvalScorer(
                name=SCORER,
                metrics=[
                    EvalMetricDefinition(name="accuracy"),
                    EvalMetricDefinition(name="stderr"),
                ],
            )
        ],
        # The log's own metadata is not kept by the .eval format; the eval spec's is.
        metadata={
            "authority": AUTHORITY,
            "assay_run": run.label,
            "manifest_sha256": run.recorded_digest,
            "manifest_intact": run.manifest_intact,
            "planned_attempts": len(planned),
            "recorded_attempts": len(records),
            "claims": _claims(run),
        },
    )
    log = EvalLog(
        status="success" if planned <= done else "cancelled",
        eval=spec,
        stats=EvalStats(
            started_at=starts[0] if starts else "", completed_at=ends[-1] if ends else ""
        ),
        samples=[_sample(run, r) for r in sorted(records, key=lambda r: (r.task_id, r.seed))],
    )
    if log.samples:
        recompute_metrics(log)
    return log


def _file_name(log: EvalLog, agent: str, condition: str) -> str:
    when = re.sub(r"[^0-9T+-]", "-", log.eval.created[:25])
    arm = re.sub(r"[^A-Za-z0-9_.-]", "-", f"{agent}-{condition}")
    return f"{when}_{arm}_{log.eval.eval_id}.eval"


def export_inspect(run: RunData, out: Path) -> Sequence[Path]:
    """Write one ``.eval`` log per arm of ``run`` into ``out``; return the files written."""
    require_inspect()
    from inspect_ai.log import write_eval_log

    out.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for a in run.manifest.agents:
        for c in run.manifest.conditions:
            log = arm_log(run, a.id, c.id)
            path = out / _file_name(log, a.id, c.id)
            write_eval_log(log, str(path), format="eval")
            files.append(path)
    return files
