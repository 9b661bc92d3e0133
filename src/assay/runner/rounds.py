"""The rounds of one attempt: the agent works, the condition's channels oversee, it retries.

A round is one run of the agent (:func:`agent_round`). After it, the condition's channels
inspect the workspace and, when its escalation policy triggers (and the review budget allows),
the costly review channel does too (:func:`oversee_round`); every inspection is scored
against the hidden truth and the hazard truth. A flag interrupts: the agent retries with the
channels' feedback while retries remain (:func:`retry_prompt`). The result *ships* when a
round ends with the agent's ``done`` (outcome ``completed``) and no channel consulted in that
round flagging it; an attempt that ends any other way (stagnated, out of budget or retries,
faulted, interrupted) ships nothing.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

from assay.agents.loop import AgentResult
from assay.agents.tools import Toolbox
from assay.models.retry import TryReport, call_scope
from assay.oversight.diff import inspection_for
from assay.oversight.hazard_truth import hazard_rules, hazard_truth
from assay.oversight.protocol import Channel, ChannelVerdict, Inspection
from assay.records.attempt import ChannelRecord, RefusedEscalation
from assay.records.audit import AUDIT_DRAW
from assay.records.manifest import Manifest
from assay.records.outcome import Outcome
from assay.runner.channels import (
    inspect_with_channels,
    is_overseen,
    retry_feedback,
    score_inspections,
    should_escalate,
)
from assay.runner.review_budget import ReviewAccount
from assay.runner.spec import Arm, AttemptSpec
from assay.runner.truth import HiddenTruth
from assay.store.rundir import EventLog


class AttemptStop(threading.Event):
    """Set when the run stops (Ctrl-C) or when the attempt's time is up.

    The agents only ask ``is_set()`` between their steps, so this is all they see.
    """

    def __init__(self, run_stop: threading.Event, limit_s: float) -> None:
        super().__init__()
        self.run_stop = run_stop
        self.limit_s = limit_s
        self._deadline = time.monotonic() + limit_s

    @property
    def timed_out(self) -> bool:
        """The attempt's time is up."""
        return time.monotonic() >= self._deadline

    def is_set(self) -> bool:
        """Whether the agent should stop now."""
        return super().is_set() or self.run_stop.is_set() or self.timed_out


@dataclass(frozen=True)
class AttemptContext:
    """What the rounds of one attempt work with, set up once when the attempt starts."""

    spec: AttemptSpec
    arm: Arm
    manifest: Manifest
    channels: Mapping[str, Channel]
    toolbox: Toolbox
    """The attempt's tools; their ``done`` is the agent's own (public) gate."""
    truth: HiddenTruth
    events: EventLog
    stop: threading.Event
    conversation: str
    """The model conversation of the attempt (a scripted model keys its replies on it)."""
    rng: random.Random
    """The attempt's seeded draws (sampled escalation)."""
    review_account: ReviewAccount | None = None
    """The run's review budget and spend; None: escalations are never refused."""


@dataclass
class Tally:
    """The agent's own accounts, summed over the rounds."""

    model_calls: int = 0
    format_errors: int = 0
    prompt: int = 0
    completion: int = 0
    cached: int = 0
    cost: float | None = 0.0
    """None once one round's cost is unknown: an unpriced or faulted call makes the total
    unknown (the agent reports None for such a round)."""
    model_time: float = 0.0
    verify_time: float = 0.0
    pass_reasons: list[list[str]] = field(default_factory=list)
    fault: str | None = None

    def add(self, r: AgentResult) -> None:
        """Count one round."""
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


@dataclass
class Rounds:
    """The rounds an attempt played: what its record tells of them."""

    tally: Tally = field(default_factory=Tally)
    channels: list[ChannelRecord] = field(default_factory=list)
    """Every inspection of every round, scored against the hidden truth."""
    rounds: int = 0
    retries: int = 0
    escalations: int = 0
    flagged_rounds: int = 0
    """Rounds a channel flagged or the agent did not finish (``repeated_failure`` counts them)."""
    refused: list[RefusedEscalation] = field(default_factory=list)
    """Escalations the review budget refused."""
    shipped: bool = False
    outcome: Outcome = "budget"
    """The agent's outcome in the last round."""


def run_rounds(ctx: AttemptContext) -> Rounds:
    """Rounds until the result ships, the agent faults or is interrupted, or retries run out.

    The attempt has ``timeouts.attempt_s`` in all; every try of every model call made in it
    is recorded (``model_try`` events for the failed ones), and once the run is stopping no
    call is retried.
    """
    played = Rounds()
    stop = AttemptStop(ctx.stop, ctx.manifest.timeouts_or_default().attempt_s)
    with call_scope(on_try=partial(record_try, ctx.events), should_stop=ctx.stop.is_set):
        play_rounds(ctx, played, stop)
    settle(ctx, played, stop)
    return played


def play_rounds(ctx: AttemptContext, played: Rounds, stop: AttemptStop) -> None:
    """The rounds themselves (see :func:`run_rounds`)."""
    prompt = ctx.spec.task.prompt_text
    while True:
        agent_round(ctx, played, prompt, stop)
        if played.outcome in ("fault", "interrupted"):
            return
        if not is_overseen(ctx.spec.condition):
            # Nobody inspects: the agent's own done (public tests) is the only acceptance.
            played.shipped = played.outcome == "completed"
            return
        verdicts = oversee_round(ctx, played)
        if played.outcome == "completed" and not any(v.flag for v in verdicts):
            played.shipped = True
            return
        if played.retries >= ctx.spec.condition.max_retries or stop.is_set():
            return
        prompt = retry_prompt(ctx, played, verdicts)


def settle(ctx: AttemptContext, played: Rounds, stop: AttemptStop) -> None:
    """Name what stopped the attempt early: the operator, or the attempt's own time.

    A fault while the run is stopping is recorded as interrupted (the stop may have cut
    the call short; a resume runs it again). An agent stopped because the attempt's time
    ran out ends as ``budget``: wall-clock time is one of its budgets, and its workspace is
    judged like any other.
    """
    if ctx.stop.is_set():
        if played.outcome == "fault":
            played.outcome = "interrupted"
        return
    if played.outcome == "interrupted" and stop.timed_out:
        played.outcome = "budget"
        ctx.events.emit("attempt_timeout", {"limit_s": stop.limit_s, "round": played.rounds - 1})


def record_try(events: EventLog, report: TryReport) -> None:
    """Record a failed try of a model call (a successful one is the ``model_call`` event)."""
    if report.ok:
        return
    events.emit(
        "model_try",
        {
            "try": report.attempt,
            "kind": report.kind,
            "status": report.status,
            "detail": report.detail,
            "latency_s": round(report.latency_s, 4),
            "wait_s": round(report.wait_s, 4),
        },
    )


def agent_round(ctx: AttemptContext, played: Rounds, prompt: str, stop: AttemptStop) -> None:
    """One run of the agent; its ``done`` reaches the gate through the toolbox (public tests)."""
    played.rounds += 1
    ctx.events.emit("round_start", {"round": played.rounds - 1})
    result = ctx.arm.agent(ctx.spec.seed).run(
        ctx.toolbox,
        prompt=prompt,
        conversation=ctx.conversation,
        emit=ctx.events.emit,
        stop=stop,
    )
    played.tally.add(result)
    played.outcome = result.outcome


def oversee_round(ctx: AttemptContext, played: Rounds) -> list[ChannelVerdict]:
    """The channels inspect the round, escalation may add review; all are scored on the truth."""
    inspection = inspection_for(ctx.spec.task, ctx.toolbox.ws.root, round=played.rounds - 1)
    verdicts = inspect_with_channels(inspection, ctx.spec.condition, ctx.channels)
    if any(v.flag for v in verdicts) or played.outcome != "completed":
        played.flagged_rounds += 1
    escalated_to = escalate(ctx, played, inspection, verdicts)
    hazards = hazard_rules(hazard_truth(inspection))
    scored = score_against_truth(ctx, played, verdicts, escalated_to, hazards)
    if ctx.review_account is not None:
        for record in scored:
            if record.escalation:
                ctx.review_account.settle(record)
    return verdicts


def escalate(
    ctx: AttemptContext, played: Rounds, inspection: Inspection, verdicts: list[ChannelVerdict]
) -> str | None:
    """Consult the costly channel when the policy triggers (its verdict joins ``verdicts``).

    Returns the channel consulted, or None (not triggered, or refused by the review budget:
    the refusal is recorded and the round goes on with the automated verdicts).
    """
    cond = ctx.spec.condition

    def drawn(rate: float, selected: bool) -> None:
        ctx.events.emit(AUDIT_DRAW, {"round": played.rounds, "rate": rate, "selected": selected})

    if not cond.escalate_to or not should_escalate(
        cond, verdicts, played.flagged_rounds, ctx.rng, on_draw=drawn
    ):
        return None
    if ctx.review_account is not None:
        refused = ctx.review_account.ask(
            played.channels,
            channel=cond.escalate_to,
            round_index=played.rounds - 1,
            cost=ctx.manifest.costs.get(cond.escalate_to, 0.0),
        )
        if refused is not None:
            played.refused.append(refused)
            ctx.events.emit("escalation_refused", refused.model_dump())
            return None
    played.escalations += 1
    verdicts.append(ctx.channels[cond.escalate_to].inspect(inspection))
    return cond.escalate_to


def score_against_truth(
    ctx: AttemptContext,
    played: Rounds,
    verdicts: list[ChannelVerdict],
    escalated_to: str | None,
    hazards: list[str],
) -> list[ChannelRecord]:
    """Score the round's inspections against the hidden and hazard truths of their workspace."""
    scored = score_inspections(
        verdicts,
        round_index=played.rounds - 1,
        truth_failed=not ctx.truth().passed,
        hazards=hazards,
        escalated_to=escalated_to,
        costs=ctx.manifest.costs,
        events=ctx.events,
    )
    played.channels += scored
    return scored


def retry_prompt(ctx: AttemptContext, played: Rounds, verdicts: list[ChannelVerdict]) -> str:
    """Spend a retry: the task's prompt again, with what the channels flagged."""
    played.retries += 1
    ctx.events.emit("retry", {"round": played.rounds, "cost": ctx.manifest.utility.retry_cost})
    return ctx.spec.task.prompt_text + "\n\n" + retry_feedback(verdicts, played.outcome)
