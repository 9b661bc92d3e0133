"""assay's own loop agent as the proposer (``proposer.kind = "agent"``).

The loop agent works in the child's workspace with the tools it has in any attempt: reads
and writes confined to the workspace (symlinks resolved before the check), commands run by
its ``run`` tool in the gate's sandbox on a throwaway copy, no shell. Its task is the
instruction bundle's prompt; the bundle ``.optimize/`` is read-only to it. There are no
tests: ``done`` (or a pass that changed something) ends the proposal. The conversation is
keyed by the candidate id, so a scripted model's replies are ``tasks."c0001"`` (or ``"*"``).

Kept as the proposal's artifacts: ``transcript.jsonl`` (every model call and tool call, as
the runner's events), ``stdout.txt`` (the agent's outcome and pass reasons), ``stderr.txt``
(a model fault), the last message (the summary of its last ``done``, else its last text),
tokens and dollars (null when any call was unpriced). ``proposer.timeout_s`` asks the agent
to stop between steps; a model call in flight ends at its own timeout.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assay.agents.config import LoopConfig
from assay.agents.loop import AgentResult, LoopAgent
from assay.agents.tools import Toolbox
from assay.agents.workspace import Workspace
from assay.errors import InputError
from assay.optimize.evaluate import resolve_model
from assay.optimize.proposer import ProposalRun
from assay.optimize.tree import BUNDLE_DIR
from assay.records.optimize import ProposerSpec
from assay.records.verdict import Verdict
from assay.sandbox.isolation import plan_for
from assay.tasks.load import Task
from assay.tasks.spec import TaskSpec, VerifySpec
from assay.verify.batch import failed_verdict


def agent_config(spec: ProposerSpec) -> LoopConfig:
    """The proposer's loop-agent settings; bad ones are an ``InputError`` naming the field."""
    try:
        return LoopConfig.model_validate(spec.config)
    except ValidationError as exc:
        raise InputError.from_validation(
            exc, "project: proposer.config", fix="use the loop agent's settings"
        ) from None


def _finished(task: Task) -> Verdict:
    """``done`` (and a pass that changed something) ends the proposal: nothing to test."""
    verdict = failed_verdict(task, "public", "a harness proposal has no tests to run")
    return verdict.model_copy(update={"passed": True, "reasons": []})


def _task(candidate: str, logdir: Path) -> Task:
    """A stand-in task: it names the conversation and masks the proposal folder in ``run``."""
    spec = TaskSpec(
        id=candidate, title="harness proposal", verify=VerifySpec(public_tests=[".none"])
    )
    return Task(logdir, spec, public_tests=(), hidden_tests=(), protected_files=())


def run_agent(
    spec: ProposerSpec, workspace: Path, *, prompt: str, candidate: str, logdir: Path, base: Path
) -> ProposalRun:
    """Run the loop agent as the proposer in ``workspace``; keep its transcript in ``logdir``."""
    from assay.models.spec import load_model

    assert spec.model is not None  # checked by ProposerSpec
    config = agent_config(spec)
    model = load_model(resolve_model(spec.model, base), timeout_s=spec.timeout_s)
    task = _task(candidate, logdir)
    toolbox = Toolbox(
        task,
        Workspace(workspace, lambda rel: rel.split("/", 1)[0] == BUNDLE_DIR),
        plan=plan_for(),
        verify_public=lambda: _finished(task),
        elide_passing=False,
    )
    transcript = (logdir / "transcript.jsonl").open("w", encoding="utf-8")
    summary = {"text": ""}

    def emit(kind: str, data: dict[str, Any]) -> None:
        if kind == "tool_call" and data.get("tool") == "done":
            summary["text"] = str(data.get("args", {}).get("summary", "")) or summary["text"]
        transcript.write(json.dumps({"kind": kind, "data": data}, sort_keys=True, default=str))
        transcript.write("\n")

    stop = threading.Event()
    timer = threading.Timer(spec.timeout_s, stop.set)
    timer.start()
    try:
        result = LoopAgent(model, config).run(
            toolbox, prompt=prompt, conversation=f"{candidate}/{candidate}", emit=emit, stop=stop
        )
    finally:
        timer.cancel()
        transcript.close()
    return _ran(result, summary["text"])


def _ran(result: AgentResult, last: str) -> ProposalRun:
    stdout = json.dumps(
        {"outcome": result.outcome, "passes": result.pass_reasons, "tools": result.tool_counts},
        sort_keys=True,
    )
    return ProposalRun(
        returncode=1 if result.outcome == "fault" else 0,
        timed_out=result.outcome == "interrupted",
        stdout=stdout + "\n",
        stderr="" if result.fault is None else f"model fault: {result.fault}\n",
        last_message=last,
        tokens=result.prompt_tokens + result.completion_tokens,
        cost_usd=None if result.cost_usd is None else round(result.cost_usd, 8),
        duration_s=result.duration_s,
    )
