"""CLI agents: a third-party agent CLI run in the attempt's workspace, gated like the loop agent.

One round runs the CLI once, non-interactively, on the prompt (a retry's prompt carries the
channels' feedback). It gets a throwaway home with the adapter's offline config, a model
endpoint on loopback (assay's scripted server, or the recording proxy in front of a live
provider) and, where the machine allows, a network namespace whose only way out is that
endpoint (``assay.agents.external.confinement``). Its stdout and stderr are kept as artifacts;
its JSON event stream, the endpoint's record of every model call and the workspace's changes
become the attempt's events. Then the public-test gate decides: ``completed`` only if it
passes; otherwise the run is classified — a hang or an output flood is ``budget``, a crash
or a failing endpoint is ``fault``, a clean exit is ``stagnated`` (nothing changed) or
``budget`` (changes that do not pass).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.agents.external.base import CliConfig, canonical
from assay.agents.external.confinement import hidden_paths
from assay.agents.external.process import Ran
from assay.agents.external.session import CliArm, Session, redact_home
from assay.agents.loop import AgentResult, Emit
from assay.agents.tools import Toolbox
from assay.agents.workspace import clip_output
from assay.models.protocol import Model
from assay.records.outcome import Outcome, PassReason

ARG_CHARS = 400
TEXT_CHARS = 2000


@dataclass(frozen=True)
class Verdict:
    """How a run is classified once the gate has spoken."""

    outcome: Outcome
    reason: PassReason
    classification: str


def classify(ran: Ran, *, passed: bool, endpoint_failed: bool, changed: bool) -> Verdict:
    """The outcome class of one run (the public-test gate first, then how the CLI ended)."""
    if ran.stopped:
        return Verdict("interrupted", "interrupted", "stopped")
    if passed:
        return Verdict("completed", "completed", "completed")
    if ran.timed_out:
        return Verdict("budget", "max_steps", "hang")
    if ran.flooded:
        return Verdict("budget", "max_steps", "flood")
    if endpoint_failed:
        return Verdict("fault", "fault", "endpoint_fault")
    if ran.returncode != 0:
        return Verdict("fault", "fault", "crash")
    if not changed:
        return Verdict("stagnated", "model_stop", "no_change")
    return Verdict("budget", "model_stop", "gave_up")


def record_session(session: Session, *, relative_to: Path, emit: Emit) -> dict[str, int]:
    """Emit a session's events; return its tool counts (by the loop agent's names where known).

    The events: ``cli_run``, ``model_call`` per call, ``endpoint_refused``, ``tool_call``,
    ``cli_error``, ``cli_usage`` (the CLI's own token count), ``cli_message``, ``file_change``.
    """
    emit(
        "cli_run",
        {
            "agent": session.agent,
            "version": session.version,
            "dialect": session.dialect,
            "network": session.confinement.network,
            "filesystem": session.confinement.filesystem,
            "artifacts": session.round_dir.relative_to(relative_to).as_posix(),
        },
    )
    for record in session.records:
        emit("model_call", record)
    for problem in session.problems:
        saved = Path(str(problem.get("saved", "")))
        where = (
            saved.relative_to(relative_to).as_posix() if saved.is_relative_to(relative_to) else ""
        )
        emit(
            "endpoint_refused",
            {"path": problem.get("path"), "reason": problem.get("reason"), "saved": where},
        )
    counts: dict[str, int] = {}
    usage = {"prompt_tokens": 0, "completion_tokens": 0, "cached_tokens": 0}
    final = ""
    for o in session.observations:
        if o.kind == "tool":
            name = canonical(o.name)
            counts[name] = counts.get(name, 0) + 1
            args = {k: redact_home(clip_output(str(v), ARG_CHARS)) for k, v in o.args.items()}
            emit("tool_call", {"tool": name, "cli_tool": o.name, "args": args, "ok": o.ok})
        elif o.kind == "usage":
            usage["prompt_tokens"] += o.prompt
            usage["completion_tokens"] += o.completion
            usage["cached_tokens"] += o.cached
        elif o.kind == "text":
            final = final + o.text if o.args.get("append") else o.text
        else:
            emit("cli_error", {"message": redact_home(clip_output(o.text, TEXT_CHARS))})
    emit("cli_usage", usage)
    if final:
        emit("cli_message", {"text": redact_home(clip_output(final, TEXT_CHARS))})
    for change in session.changed:
        emit("file_change", change)
    return counts


def exit_event(ran: Ran, decided: Verdict) -> dict[str, Any]:
    """The ``cli_exit`` event: how the process ended and how the run was classified."""
    return {
        "returncode": ran.returncode,
        "signal": ran.signal_name,
        "timed_out": ran.timed_out,
        "flooded": ran.flooded,
        "stopped": ran.stopped,
        "duration_s": ran.duration_s,
        "output_bytes": ran.output_bytes,
        "classification": decided.classification,
        "outcome": decided.outcome,
    }


class CliAgent:
    """One round of a CLI agent (see the module docstring)."""

    def __init__(self, arm: CliArm) -> None:
        self.arm = arm

    def run(
        self,
        toolbox: Toolbox,
        *,
        prompt: str,
        conversation: str,
        emit: Emit,
        stop: threading.Event | None = None,
    ) -> AgentResult:
        """Run the CLI once in ``toolbox``'s workspace and classify how it ended."""
        start = time.monotonic()
        session = self.arm.session(
            toolbox.ws.root,
            prompt=prompt,
            conversation=conversation,
            hidden=hidden_paths(toolbox.task.root),
            stop=stop,
        )
        result = AgentResult(outcome="budget", cost_usd=None)
        for record in session.records:
            result.model_calls += 1
            result.prompt_tokens += int(record.get("prompt_tokens") or 0)
            result.completion_tokens += int(record.get("completion_tokens") or 0)
            result.cached_tokens += int(record.get("cached_tokens") or 0)
            result.model_time_s += float(record.get("latency_s") or 0.0)
        result.model_time_s = round(result.model_time_s, 4)
        counts = record_session(session, relative_to=self.arm.artifacts.parent, emit=emit)
        for name, n in counts.items():
            toolbox.stats.counts[name] = toolbox.stats.counts.get(name, 0) + n
        result.tool_counts = dict(toolbox.stats.counts)
        passed = False
        if not session.ran.stopped:
            t0 = time.monotonic()
            verdict = toolbox.verify_public()
            result.verify_time_s = round(time.monotonic() - t0, 4)
            result.probes = 1
            result.last_public_verdict = verdict
            passed = verdict.passed
            emit("probe", {"pass": 0, "passed": verdict.passed, "reasons": verdict.reasons})
        decided = classify(
            session.ran,
            passed=passed,
            endpoint_failed=session.endpoint_failed,
            changed=bool(session.changed),
        )
        result.outcome = decided.outcome
        result.pass_reasons = [decided.reason]
        if decided.outcome == "fault":
            ran = session.ran
            last = session.records[-1] if session.records else {}
            if session.problems:
                why = str(session.problems[-1].get("reason"))
            elif decided.classification == "endpoint_fault":
                why = f"the last model call failed ({last.get('fault')}, HTTP {last.get('status')})"
            else:
                why = f"exit {ran.signal_name or ran.returncode}"
            result.fault = f"cli:{self.arm.adapter.name} {decided.classification}: {why}"[:500]
        emit("cli_exit", exit_event(session.ran, decided))
        result.duration_s = round(time.monotonic() - start, 4)
        return result


class CliAgents:
    """The ``make_agent`` of a runner arm: a fresh ``CliAgent`` per round, one shared arm."""

    def __init__(self, arm: CliArm) -> None:
        self.arm = arm

    def __call__(self) -> CliAgent:
        """A fresh agent for one round."""
        return CliAgent(self.arm)


def cli_arm(
    kind: str, *, model: Model, model_spec: str, config: dict[str, Any], root: Path
) -> CliAgents:
    """The agents of a manifest arm ``cli:NAME``; artifacts go to ``root/artifacts``."""
    from assay.agents.external.registry import adapter
    from assay.models.fileio import validate

    settings = validate(CliConfig, config, f"agent {kind} config")
    arm = CliArm(
        adapter(kind.removeprefix("cli:")),
        model=model,
        model_spec=model_spec,
        config=settings,
        artifacts=root / "artifacts",
    )
    return CliAgents(arm)
