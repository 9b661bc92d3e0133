"""An attempt's workspace and tools: a fresh copy of the task, and the agent's own gate."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from assay.agents.tools import Toolbox
from assay.agents.workspace import Workspace
from assay.records.verdict import Verdict
from assay.sandbox.isolation import Plan
from assay.tasks.load import Task
from assay.verify.gate import verify


def fresh_workspace(task: Task, dest: Path) -> Path:
    """Copy the task's workspace (never its tests/ or solution/) to a new folder."""
    shutil.copytree(task.workspace, dest, symlinks=True)
    return dest


def agent_gate(task: Task, workspace: Path) -> Callable[[], Verdict]:
    """The gate as the agent reaches it: its ``done`` and end-of-pass probe, public tests only.

    The first of the three ways a round reaches the gate; the hidden tests never run here,
    so nothing the agent is told can leak them.
    """
    return lambda: verify(task, workspace, scope="public")


def gated_toolbox(task: Task, workspace: Path, *, plan: Plan, elide_passing: bool) -> Toolbox:
    """The tools of one attempt, whose ``done`` runs :func:`agent_gate`."""
    return Toolbox(
        task,
        Workspace(workspace, task.is_protected),
        plan=plan,
        verify_public=agent_gate(task, workspace),
        elide_passing=elide_passing,
    )
