"""One attempt under one workflow condition: agent rounds, interrupt channels, escalation.

A round is one run of the agent. After it, the condition's automated channels inspect the
workspace; when its escalation policy triggers, the costly review channel does too. A flag
interrupts: the agent retries with the channels' feedback while retries remain. The result
is *shipped* when a round ends with the agent's ``done`` and no channel flagging it. The
hidden verification is the ground truth: it decides success, and every channel inspection
is scored against the truth of the workspace it saw.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assay.agents.attempt import fresh_workspace, gated_toolbox
from assay.agents.config import LoopConfig
from assay.agents.loop import AgentResult, LoopAgent
from assay.agents.protocol import Agent
from assay.agents.tools import load_act_ratio
from assay.agents.workspace import Workspace
from assay.models.protocol import Model
from assay.oversight.diff import inspection_for
from assay.oversight.protocol import Channel, ChannelVerdict
from assay.records.attempt import (
    AttemptRecord,
    ChannelRecord,
    Counts,
    EventRecord,
    Tokens,
    VerdictSummary,
)
from assay.records.canonical import dumps
from assay.records.manifest import AgentSpec, ConditionSpec, Manifest
from assay.records.outcome import Outcome
from assay.records.verdict import Verdict
from assay.sandbox.isolation import Plan
from assay.store.rundir import EventLog, RunDir
from assay.tasks.load import Task
from assay.verify.gate import verify


@dataclass(frozen=True)
class AttemptSpec:
    """The coordinates of one attempt."""

    task: Task
    agent: AgentSpec
    condition: ConditionSpec
    seed: int

    @property
    def attempt_id(self) -> str:
        """A stable id: resuming recognises finished attempts by it."""
        return f"{self.task.id}__{self.agent.id}__{self.condition.id}__s{self.seed}"


@dataclass
class Arm:
    """What an agent arm needs at run time."""

    model: Model
    config: LoopConfig
    script_keys: frozenset[str] = frozenset()
    """Task keys of a scripted model's script, so seeds may have their own replies."""
    make_agent: Callable[[], Agent] | None = None
    """Builds the agent for one round; None means the built-in loop agent."""

    def agent(self) -> Agent:
        """A fresh agent for one round."""
        return self.make_agent() if self.make_agent else LoopAgent(self.model, self.config)


@dataclass
class _Totals:
    model_calls: int = 0
    format_errors: int = 0
    prompt: int = 0
    completion: int = 0
    cached: int = 0
    cost: float | None = 0.0
    model_time: float = 0.0
    verify_time: float = 0.0
    pass_reasons: list[list[str]] = field(default_factory=list)
    fault: str | None = None

    def add(self, r: AgentResult) -> None:
        self.model_calls += r.model_calls
        self.format_errors += r.format_errors
        self.prompt += r.prompt_tokens
        self.completion += r.completion_tokens
        self.cached += r.cached_tokens
        self.cost = None if self.cost is None or r.cost_usd is None else self.cost + r.cost_usd
        self.model_time += r.model_time_s
        self.verify_time += r.verify_time_s
        self.pass_reasons.append(list(r.pass_reasons))
        self.fault = r.fault or self.fault


def _feedback(verdicts: list[ChannelVerdict], outcome: Outcome) -> str:
    lines = ["Your previous round was interrupted before it could be accepted."]
    if outcome != "completed":
        lines.append(f"- The task is not finished (the round ended: {outcome}).")
    for v in verdicts:
        if v.flag:
            lines.append(f"- [{v.channel}] {v.feedback.strip() or 'flagged'}")
    lines.append("Address every point, then call done again.")
    return "\n".join(lines)


def _should_escalate(
    cond: ConditionSpec, verdicts: list[ChannelVerdict], flagged_rounds: int, rng: random.Random
) -> bool:
    for trigger in cond.escalate_when:
        if trigger == "always":
            return True
        if trigger == "hazard" and any(v.channel == "hazard-scan" and v.flag for v in verdicts):
            return True
        if trigger == "repeated_failure" and flagged_rounds >= 2:
            return True
        if trigger.startswith("sample:") and rng.random() < float(trigger.split(":", 1)[1]):
            return True
    return False


def _summary(v: Verdict) -> VerdictSummary:
    return VerdictSummary(
        passed=v.passed,
        reasons=list(v.reasons),
        public=Counts(passed=v.public.passed, total=v.public.total),
        hidden=Counts(passed=v.hidden.passed, total=v.hidden.total),
        flaky=v.flaky,
        protected_changed=list(v.protected_changed),
        isolation=v.isolation.level,
    )


class _Truth:
    """The full gate on the workspace, cached by its fingerprint (channels are scored on it)."""

    def __init__(self, task: Task, ws: Workspace, plan: Plan, events: EventLog) -> None:
        self.task, self.ws, self.plan, self.events = task, ws, plan, events
        self._cache: dict[str, Verdict] = {}

    def __call__(self) -> Verdict:
        fp = self.ws.fingerprint()
        if fp not in self._cache:
            verdict = verify(self.task, self.ws.root, plan=self.plan)
            self.events.emit(
                "verification",
                {"scope": "all", "verdict": verdict.model_dump(mode="json", by_alias=True)},
            )
            self._cache[fp] = verdict
        return self._cache[fp]


def run_attempt(
    spec: AttemptSpec,
    arm: Arm,
    *,
    manifest: Manifest,
    channels: dict[str, Channel],
    run: RunDir,
    scratch: Path,
    plan: Plan,
    stop: threading.Event,
) -> AttemptRecord:
    """Run one attempt to its end and return its record (the caller appends it)."""
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.monotonic()
    task, cond = spec.task, spec.condition
    events = run.events(spec.attempt_id)
    try:
        toolbox = gated_toolbox(
            task,
            fresh_workspace(task, scratch / spec.attempt_id),
            plan=plan,
            elide_passing=arm.config.elide_passing,
        )
        ws = toolbox.ws
        truth = _Truth(task, ws, plan, events)
        key = f"{task.id}@s{spec.seed}"
        conversation = f"{key if key in arm.script_keys else task.id}/{spec.attempt_id}"
        rng = random.Random(spec.attempt_id)
        events.emit(
            "attempt_start",
            {
                "task": task.id,
                "agent": spec.agent.id,
                "model": arm.model.name,
                "condition": cond.id,
                "seed": spec.seed,
                "config": arm.config.model_dump(),
            },
        )
        totals = _Totals()
        records: list[ChannelRecord] = []
        prompt = task.prompt_text
        rounds = retries = escalations = flagged_rounds = 0
        shipped = False
        outcome: Outcome = "budget"
        while True:
            rounds += 1
            events.emit("round_start", {"round": rounds - 1})
            result = arm.agent().run(
                toolbox, prompt=prompt, conversation=conversation, emit=events.emit, stop=stop
            )
            totals.add(result)
            outcome = result.outcome
            if outcome in ("fault", "interrupted"):
                break
            names = list(cond.channels)
            if not names and not cond.escalate_to:
                shipped = outcome == "completed"
                break
            inspection = inspection_for(task, ws.root, round=rounds - 1)
            verdicts = [channels[n].inspect(inspection) for n in names]
            if any(v.flag for v in verdicts) or outcome != "completed":
                flagged_rounds += 1
            escalated = False
            if cond.escalate_to and _should_escalate(cond, verdicts, flagged_rounds, rng):
                escalated = True
                escalations += 1
                verdicts.append(channels[cond.escalate_to].inspect(inspection))
            truth_failed = not truth().passed
            for v in verdicts:
                rec = ChannelRecord(
                    round=rounds - 1,
                    channel=v.channel,
                    flag=v.flag,
                    cost=manifest.costs.get(v.channel, 0.0),
                    findings=[f"{f.rule}: {f.message}" for f in v.findings][:20],
                    truth_failed=truth_failed,
                    escalation=escalated and v.channel == cond.escalate_to,
                )
                records.append(rec)
                events.emit(
                    "interrupt" if v.flag else "channel_pass",
                    {
                        **rec.model_dump(),
                        "feedback": v.feedback[:2000],
                        "duration_s": round(v.duration_s, 4),
                    },
                )
            if outcome == "completed" and not any(v.flag for v in verdicts):
                shipped = True
                break
            if retries >= cond.max_retries or stop.is_set():
                break
            retries += 1
            prompt = task.prompt_text + "\n\n" + _feedback(verdicts, outcome)
            events.emit("retry", {"round": rounds, "cost": manifest.utility.retry_cost})
        final = None if outcome == "interrupted" else truth()
        diff_rel = run.write_diff(spec.attempt_id, inspection_for(task, ws.root).diff)
        success = bool(final and final.passed)
        record = AttemptRecord(
            attempt_id=spec.attempt_id,
            task_id=task.id,
            agent_id=spec.agent.id,
            model=arm.model.name,
            condition=cond.id,
            seed=spec.seed,
            outcome=outcome,
            rounds=rounds,
            retries=retries,
            escalations=escalations,
            shipped=shipped,
            success=success,
            undetected_failure_shipped=shipped and not success,
            verdict=_summary(final) if final else None,
            channels=records,
            oversight_cost=round(sum(r.cost for r in records), 6),
            retry_cost=round(retries * manifest.utility.retry_cost, 6),
            tokens=Tokens(prompt=totals.prompt, completion=totals.completion, cached=totals.cached),
            cost_usd=None if totals.cost is None else round(totals.cost, 8),
            model_calls=totals.model_calls,
            tool_counts=dict(toolbox.stats.counts),
            pass_reasons=totals.pass_reasons,
            format_errors=totals.format_errors,
            load_act_ratio=load_act_ratio(toolbox.stats.counts),
            read_bytes=toolbox.stats.read_bytes,
            elided_reads=toolbox.stats.elided_reads,
            duration_s=round(time.monotonic() - t0, 4),
            model_time_s=round(totals.model_time, 4),
            verify_time_s=round(totals.verify_time, 4),
            fault=totals.fault,
            events=f"events/{spec.attempt_id}.jsonl",
            diff=diff_rel,
            started_at=started,
            finished_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        events.emit("attempt_end", {"outcome": outcome, "success": success, "shipped": shipped})
        return record
    finally:
        events.close()


def infrastructure_fault(spec: AttemptSpec, arm: Arm, run: RunDir, error: str) -> AttemptRecord:
    """The record of an attempt the harness itself could not carry out (never a model failure).

    The run goes on; the attempt counts as a ``fault`` and its error is kept.
    """
    now = datetime.now(UTC).isoformat(timespec="seconds")
    events = run.root / "events" / f"{spec.attempt_id}.jsonl"
    seq = len(events.read_text(encoding="utf-8").splitlines()) + 1 if events.exists() else 1
    end = EventRecord(
        attempt_id=spec.attempt_id,
        seq=seq,
        t=0.0,
        kind="attempt_end",
        data={"outcome": "fault", "infrastructure_error": error[:2000]},
    )
    with events.open("a", encoding="utf-8") as fh:
        fh.write(dumps(end) + "\n")
    return AttemptRecord(
        attempt_id=spec.attempt_id,
        task_id=spec.task.id,
        agent_id=spec.agent.id,
        model=arm.model.name,
        condition=spec.condition.id,
        seed=spec.seed,
        outcome="fault",
        rounds=0,
        retries=0,
        escalations=0,
        shipped=False,
        success=False,
        undetected_failure_shipped=False,
        verdict=None,
        channels=[],
        oversight_cost=0.0,
        retry_cost=0.0,
        tokens=Tokens(),
        cost_usd=None,
        model_calls=0,
        tool_counts={},
        pass_reasons=[],
        format_errors=0,
        load_act_ratio=None,
        read_bytes=0,
        elided_reads=0,
        duration_s=0.0,
        model_time_s=0.0,
        verify_time_s=0.0,
        fault=f"infrastructure: {error}"[:2000],
        events=f"events/{spec.attempt_id}.jsonl",
        diff=run.write_diff(spec.attempt_id, ""),
        started_at=now,
        finished_at=now,
    )
