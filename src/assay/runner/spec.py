"""What one attempt is (its coordinates) and what its agent arm brings to it at run time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from assay.agents.config import LoopConfig
from assay.agents.loop import LoopAgent
from assay.agents.protocol import Agent
from assay.models.protocol import Model
from assay.records.attempt import AttemptKey
from assay.records.manifest import AgentSpec, ConditionSpec
from assay.tasks.load import Task


@dataclass(frozen=True)
class AttemptSpec:
    """The coordinates of one attempt."""

    task: Task
    agent: AgentSpec
    condition: ConditionSpec
    seed: int
    try_: int = 1
    """Which try of the attempt this is: a retried fault or interruption is the next one."""

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
    make_seeded: Callable[[int], Agent] | None = None
    """Builds the agent for one round of an attempt with this seed (the one-shot kind)."""

    def agent(self, seed: int = 0) -> Agent:
        """A fresh agent for one round of an attempt with ``seed``."""
        if self.make_seeded is not None:
            return self.make_seeded(seed)
        return self.make_agent() if self.make_agent else LoopAgent(self.model, self.config)


def attempt_key(spec: AttemptSpec, arm: Arm) -> AttemptKey:
    """The fields that name the attempt in its record."""
    return AttemptKey(
        attempt_id=spec.attempt_id,
        task_id=spec.task.id,
        agent_id=spec.agent.id,
        model=arm.model.name,
        condition=spec.condition.id,
        seed=spec.seed,
    )
