"""Shared helpers of the agent-CLI tests: installs (cached per machine), one scripted attempt."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.agents.external.agent import CliAgent
from assay.agents.external.base import CliConfig
from assay.agents.external.install import install
from assay.agents.external.registry import ADAPTERS
from assay.agents.external.session import CliArm
from assay.agents.loop import AgentResult
from assay.models.script_format import Script
from assay.models.scripted import ScriptedModel
from assay.records.verdict import Verdict
from assay.runner.workspace import fresh_workspace, gated_toolbox
from assay.sandbox.isolation import plan_for
from assay.tasks.load import Task, load_task
from assay.tasks.suite import BUNDLED_ROOT
from assay.verify.gate import verify

NAMES = list(ADAPTERS)


def ensure_installed(name: str) -> None:
    """Install the CLI when this machine's cache lacks it (a no-op otherwise)."""
    install(ADAPTERS[name])


def bundled(task_id: str) -> Task:
    return load_task(BUNDLED_ROOT / "repair" / task_id)


@dataclass
class Attempt:
    """One scripted attempt of a CLI agent, with its events and the full gate's verdict."""

    result: AgentResult
    truth: Verdict
    workspace: Path
    artifacts: Path
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [k for k, _ in self.events]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [d for k, d in self.events if k == kind]

    def exit(self) -> dict[str, Any]:
        (event,) = self.of("cli_exit")
        return event


def make_arm(
    name: str, task: Task, turns: list[dict[str, Any]], tmp: Path, **config: Any
) -> CliArm:
    script = Script.model_validate(
        {"schema": "assay.script.v1", "model": "fake-model", "tasks": {task.id: turns}}
    )
    return CliArm(
        ADAPTERS[name],
        model=ScriptedModel(script),
        model_spec="scripted:test",
        config=CliConfig(**{"timeout_s": 120, **config}),
        artifacts=tmp / "run" / "artifacts",
    )


def attempt(
    name: str,
    task: Task,
    turns: list[dict[str, Any]],
    tmp: Path,
    *,
    stop: threading.Event | None = None,
    arm: CliArm | None = None,
    prompts: tuple[str, ...] = (),
    **config: Any,
) -> Attempt:
    """Run the CLI on ``task`` (one round per prompt, default one) and gate the result."""
    arm = arm or make_arm(name, task, turns, tmp, **config)
    plan = plan_for()
    # The runner's own workspace and tools: the CLI's done gate is the runner's.
    toolbox = gated_toolbox(
        task, fresh_workspace(task, tmp / f"ws-{name}-{task.id}"), plan=plan, elide_passing=False
    )
    ws = toolbox.ws
    events: list[tuple[str, dict[str, Any]]] = []
    result = None
    for prompt in prompts or (task.prompt_text,):
        result = CliAgent(arm).run(
            toolbox,
            prompt=prompt,
            conversation=f"{task.id}/attempt-1",
            emit=lambda k, d: events.append((k, d)),
            stop=stop,
        )
    assert result is not None
    truth = verify(task, ws.root)
    return Attempt(result, truth, ws.root, arm.artifacts, events)
