"""One loop-agent attempt on one task: fresh workspace in, agent result and final verdict out."""

from __future__ import annotations

import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

from assay.agents.config import LoopConfig
from assay.agents.loop import AgentResult, Emit, LoopAgent
from assay.agents.tools import Toolbox
from assay.agents.workspace import Workspace
from assay.models.protocol import Model
from assay.records.verdict import Verdict
from assay.sandbox.isolation import Plan, plan_for
from assay.tasks.load import Task
from assay.verify.gate import verify


@dataclass(frozen=True)
class AttemptOutput:
    """The agent's own account and the gate's final word (public and hidden tests)."""

    result: AgentResult
    verdict: Verdict


def fresh_workspace(task: Task, dest: Path) -> Path:
    """Copy the task's workspace (never its tests/ or solution/) to a new folder."""
    shutil.copytree(task.workspace, dest, symlinks=True)
    return dest


def gated_toolbox(task: Task, workspace: Path, *, plan: Plan, elide_passing: bool) -> Toolbox:
    """The tools of one attempt, whose ``done`` runs the gate on the public tests only."""
    return Toolbox(
        task,
        Workspace(workspace, task.is_protected),
        plan=plan,
        verify_public=lambda: verify(task, workspace, scope="public", plan=plan),
        elide_passing=elide_passing,
    )


def run_loop_attempt(
    task: Task,
    model: Model,
    workspace: Path,
    *,
    conversation: str,
    emit: Emit,
    config: LoopConfig | None = None,
    plan: Plan | None = None,
    stop: threading.Event | None = None,
) -> AttemptOutput:
    """Run the loop agent in ``workspace`` and verify the result against every test."""
    config = config or LoopConfig()
    plan = plan or plan_for()
    toolbox = gated_toolbox(task, workspace, plan=plan, elide_passing=config.elide_passing)
    result = LoopAgent(model, config).run(
        toolbox, prompt=task.prompt_text, conversation=conversation, emit=emit, stop=stop
    )
    final = verify(task, workspace, plan=plan)
    emit(
        "verification",
        {
            "passed": final.passed,
            "reasons": final.reasons,
            "public": final.public.model_dump(),
            "hidden": final.hidden.model_dump(),
        },
    )
    return AttemptOutput(result=result, verdict=final)
