"""The interrupt-channel Protocol and the values that cross it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from assay.tasks.load import Task


@dataclass(frozen=True)
class Inspection:
    """What a channel may look at: the task as the agent saw it, the workspace, the diff.

    Never the hidden tests or the reference solution: a channel stands where a reviewer
    stands, and the hidden verification is the ground truth it is measured against.
    """

    task: Task
    workspace: Path
    diff: str
    """Unified diff of the workspace against the task's starting files."""
    changed_files: tuple[str, ...]
    """Workspace-relative paths the agent added, modified or deleted."""
    round: int = 0
    """0 for the first inspection of an attempt, 1 after the first retry, ..."""
    attempt_id: str = ""
    """The attempt being inspected (a reviewer model keys its conversation on it)."""


@dataclass(frozen=True)
class Finding:
    """One thing a channel flagged."""

    rule: str
    message: str
    path: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class ModelSpend:
    """What the model call of an inspection spent (a model reviewer's reply)."""

    prompt: int
    completion: int
    cached: int
    cost_usd: float | None
    """None when the model is unpriced: unknown, never 0."""


@dataclass(frozen=True)
class ChannelVerdict:
    """A channel's answer: ``flag`` interrupts the agent; ``feedback`` is what it is told."""

    channel: str
    flag: bool
    findings: tuple[Finding, ...] = ()
    feedback: str = ""
    cost: float = 0.0
    duration_s: float = 0.0
    detail: dict[str, object] = field(default_factory=dict)
    spend: ModelSpend | None = None
    """The model spend of the inspection; None when no model answered."""


@runtime_checkable
class Channel(Protocol):
    """An interrupt channel: inspects an attempt's workspace and flags or passes it."""

    @property
    def name(self) -> str:
        """The channel id used in manifests and records (``lint``, ``review``, ...)."""
        ...

    @property
    def cost(self) -> float:
        """Oversight cost charged each time the channel inspects, in the manifest's units."""
        ...

    def inspect(self, inspection: Inspection) -> ChannelVerdict:
        """Inspect and answer; never raise for what the candidate did."""
        ...
