"""One attempt under one workflow condition, as a pipeline, and the record it leaves.

:func:`run_attempt` sets the attempt up (fresh workspace, gated tools, the hidden truth),
runs its rounds (agent round → inspection → channels and escalation → truth scoring, in
:mod:`assay.runner.rounds`), gates the final workspace and writes the record.

A round reaches the verification gate three ways, each for its own reason:

1. the agent's own ``done`` (and end-of-pass probe), through the toolbox, on the public
   tests only: the agent asks whether it is finished (:mod:`assay.runner.workspace`);
2. the ``public-tests`` interrupt channel, when the condition lists it: oversight that
   sees what the agent could see (:mod:`assay.runner.channels`);
3. the hidden truth, the full gate with the hidden tests: nobody is told its answer; it
   scores every channel inspection and decides success (:mod:`assay.runner.truth`).
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from assay.agents.tools import load_act_ratio
from assay.oversight.diff import inspection_for
from assay.oversight.hazard_truth import Hit, hazard_truth
from assay.oversight.protocol import Channel
from assay.records.attempt import (
    AttemptRecord,
    EventRecord,
    HazardHit,
    Tokens,
    VerdictSummary,
    events_file,
    fault_class_of,
)
from assay.records.canonical import dumps
from assay.records.final import FinalCode, final_file
from assay.records.manifest import Manifest
from assay.records.verdict import Verdict
from assay.runner.review_budget import ReviewAccount
from assay.runner.rounds import AttemptContext, Rounds, run_rounds
from assay.runner.spec import Arm, AttemptSpec, attempt_key
from assay.runner.truth import HiddenTruth
from assay.runner.workspace import fresh_workspace, gated_toolbox
from assay.sandbox.isolation import Plan
from assay.store.atomic import full_disk_names
from assay.store.rundir import EventLog, RunDir
from assay.verify.batch import module_of
from assay.verify.function.gate import read_source


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_attempt(
    spec: AttemptSpec,
    arm: Arm,
    *,
    manifest: Manifest,
    channels: Mapping[str, Channel],
    run: RunDir,
    scratch: Path,
    plan: Plan,
    stop: threading.Event,
    review_account: ReviewAccount | None = None,
) -> AttemptRecord:
    """Run one attempt to its end and return its record (the caller appends it)."""
    started = _now()
    t0 = time.monotonic()
    events = run.events(spec.attempt_id, spec.try_)
    try:
        ctx = start_attempt(
            spec,
            arm,
            manifest=manifest,
            channels=channels,
            events=events,
            workspace=scratch / spec.attempt_id,
            plan=plan,
            stop=stop,
            review_account=review_account,
        )
        played = run_rounds(ctx)
        final = final_truth(ctx, played)
        inspection = inspection_for(spec.task, ctx.toolbox.ws.root)
        diff = run.write_diff(spec.attempt_id, inspection.diff, spec.try_)
        if final is not None:
            keep_final_code(run, spec, ctx.toolbox.ws.root, final)
        # Hazard truth of what the attempt leaves, whichever channels ran (solo included).
        hazards = None if final is None else hazard_truth(inspection)
        record = attempt_record(
            ctx, played, final, diff=diff, started=started, t0=t0, hazards=hazards
        )
        events.emit(
            "attempt_end",
            {
                "outcome": record.outcome,
                "success": record.success,
                "shipped": record.shipped,
                "shipped_success": record.shipped_success,
                "shipped_hazard": record.shipped_hazard,
            },
        )
        return record
    finally:
        events.close()


def keep_final_code(run: RunDir, spec: AttemptSpec, workspace: Path, verdict: Verdict) -> None:
    """Keep the candidate module the attempt left and its full verdict (``finals/``)."""
    module = module_of(spec.task)
    code, why = (None, "the task has no single candidate module")
    if module is not None:
        code, why = read_source(workspace / module)
    record = FinalCode(
        attempt_id=spec.attempt_id,
        try_=spec.try_,
        task_id=spec.task.id,
        module=module,
        code=code,
        why=why,
        verdict=verdict,
    )
    (run.root / "finals").mkdir(exist_ok=True)
    run.write(final_file(spec.attempt_id, spec.try_), dumps(record) + "\n")


def start_attempt(
    spec: AttemptSpec,
    arm: Arm,
    *,
    manifest: Manifest,
    channels: Mapping[str, Channel],
    events: EventLog,
    workspace: Path,
    plan: Plan,
    stop: threading.Event,
    review_account: ReviewAccount | None = None,
) -> AttemptContext:
    """Copy the task to a fresh workspace, give it gated tools and a hidden truth; say so."""
    task = spec.task
    toolbox = gated_toolbox(
        task, fresh_workspace(task, workspace), plan=plan, elide_passing=arm.config.elide_passing
    )
    key = f"{task.id}@s{spec.seed}"
    ctx = AttemptContext(
        spec=spec,
        arm=arm,
        manifest=manifest,
        channels=channels,
        toolbox=toolbox,
        truth=HiddenTruth(task, toolbox.ws, events),
        events=events,
        stop=stop,
        # A script may hold replies for one seed of a task (``TASK@sN``); else the task's.
        conversation=f"{key if key in arm.script_keys else task.id}/{spec.attempt_id}",
        rng=random.Random(spec.attempt_id),
        review_account=review_account,
    )
    events.emit(
        "attempt_start",
        {
            "task": task.id,
            "agent": spec.agent.id,
            "model": arm.model.name,
            "condition": spec.condition.id,
            "seed": spec.seed,
            "config": arm.config.model_dump(),
        },
    )
    return ctx


def final_truth(ctx: AttemptContext, played: Rounds) -> Verdict | None:
    """The hidden truth on the final workspace: it decides success (None if interrupted)."""
    return None if played.outcome == "interrupted" else ctx.truth()


def attempt_record(
    ctx: AttemptContext,
    played: Rounds,
    final: Verdict | None,
    *,
    diff: str,
    started: str,
    t0: float,
    hazards: list[Hit] | None = None,
) -> AttemptRecord:
    """The attempt's record: what its rounds did, what both truths say, what it cost.

    ``hazards`` is the hazard truth of the final workspace (None: not adjudicated).
    """
    tally, stats = played.tally, ctx.toolbox.stats
    success = final is not None and final.passed
    hits = None if hazards is None else [_hit(h) for h in hazards]
    return AttemptRecord(
        **attempt_key(ctx.spec, ctx.arm),
        outcome=played.outcome,
        rounds=played.rounds,
        retries=played.retries,
        escalations=played.escalations,
        shipped=played.shipped,
        success=success,
        shipped_success=played.shipped and success,
        undetected_failure_shipped=played.shipped and not success,
        hazards=hits,
        shipped_hazard=None if hits is None else played.shipped and bool(hits),
        refused_escalations=played.refused,
        verdict=VerdictSummary.of(final) if final is not None else None,
        channels=played.channels,
        oversight_cost=round(sum(r.cost for r in played.channels), 6),
        retry_cost=round(played.retries * ctx.manifest.utility.retry_cost, 6),
        tokens=Tokens(prompt=tally.prompt, completion=tally.completion, cached=tally.cached),
        cost_usd=None if tally.cost is None else round(tally.cost, 8),
        model_calls=tally.model_calls,
        tool_counts=dict(stats.counts),
        pass_reasons=tally.pass_reasons,
        format_errors=tally.format_errors,
        load_act_ratio=load_act_ratio(stats.counts),
        read_bytes=stats.read_bytes,
        elided_reads=stats.elided_reads,
        duration_s=round(time.monotonic() - t0, 4),
        model_time_s=round(tally.model_time, 4),
        verify_time_s=round(tally.verify_time, 4),
        fault=tally.fault,
        fault_class=fault_class_of(tally.fault) if played.outcome == "fault" else None,
        try_=ctx.spec.try_,
        events=events_file(ctx.spec.attempt_id, ctx.spec.try_),
        diff=diff,
        started_at=started,
        finished_at=_now(),
    )


def _hit(h: Hit) -> HazardHit:
    return HazardHit(rule=h.rule, path=h.path, line=h.line, declared=list(h.declared))


def infrastructure_fault(spec: AttemptSpec, arm: Arm, run: RunDir, error: str) -> AttemptRecord:
    """The record of an attempt the harness itself could not carry out (never a model failure).

    The run goes on; the attempt counts as a ``fault`` and its error is kept, in the record
    and as the last event of the attempt's events.
    """
    now = _now()
    events = run.root / events_file(spec.attempt_id, spec.try_)
    seq = len(events.read_text(encoding="utf-8").splitlines()) + 1 if events.exists() else 1
    end = EventRecord(
        attempt_id=spec.attempt_id,
        seq=seq,
        t=0.0,
        kind="attempt_end",
        data={"outcome": "fault", "infrastructure_error": error[:2000]},
    )
    with full_disk_names(events, run.root), events.open("a", encoding="utf-8") as fh:
        fh.write(dumps(end) + "\n")
    return AttemptRecord.infrastructure_fault(
        attempt_key(spec, arm),
        error=error,
        diff=run.write_diff(spec.attempt_id, "", spec.try_),
        at=now,
        try_=spec.try_,
    )
