"""The data that crosses the model interface: requests, messages, tool calls, replies."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["system", "user", "assistant", "tool"]

META_TASK = "task_id"
"""``Request.metadata`` key of the task id (scripted replay and the fake server key on it)."""
META_CONVERSATION = "conversation"
"""``Request.metadata`` key of the conversation (scripted turns are counted per conversation)."""

MAX_REPLY_CHARS = 1 << 20
"""Reply text longer than this is clipped; ``Reply.clipped`` and ``raw_bytes`` record it."""


@dataclass(frozen=True)
class ToolCall:
    """One tool call requested by the model.

    ``raw_arguments`` is the argument text exactly as the model produced it; when it is not
    a JSON object, ``arguments`` is empty and ``arguments_error`` says why, so the agent can
    report the malformed call back to the model instead of crashing. ``signature`` is an
    opaque provider token that must travel back with the call (Gemini's thought signature).
    """

    id: str
    name: str
    arguments: dict[str, Any]
    raw_arguments: str
    arguments_error: str | None = None
    signature: str | None = None

    @classmethod
    def from_text(cls, call_id: str, name: str, raw: str) -> ToolCall:
        """Build a call from argument text, recording (not raising) malformed JSON."""
        try:
            parsed = json.loads(raw) if raw.strip() else {}
        except ValueError as exc:
            return cls(call_id, name, {}, raw, f"arguments are not valid JSON: {exc}")
        if not isinstance(parsed, dict):
            return cls(call_id, name, {}, raw, "arguments are not a JSON object")
        return cls(call_id, name, parsed, raw)

    @classmethod
    def from_arguments(
        cls, call_id: str, name: str, arguments: dict[str, Any], signature: str | None = None
    ) -> ToolCall:
        """Build a call from an already parsed arguments object."""
        raw = json.dumps(arguments, sort_keys=True)
        return cls(call_id, name, dict(arguments), raw, signature=signature)


@dataclass(frozen=True)
class Message:
    """One chat message.

    An assistant message may carry ``tool_calls``; a ``tool`` message answers one of them
    through ``tool_call_id`` and names the tool in ``name`` (Gemini needs the name).
    """

    role: Role
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = ()
    tool_call_id: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class ToolSpec:
    """A tool offered to the model; ``parameters`` is a JSON schema of its arguments object."""

    name: str
    description: str
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})


@dataclass(frozen=True)
class Request:
    """One call to a model.

    ``metadata`` is never sent to a hosted model as content; it carries assay's bookkeeping,
    e.g. ``task_id`` and ``conversation`` (see ``META_TASK`` and ``META_CONVERSATION``).
    """

    messages: tuple[Message, ...]
    tools: tuple[ToolSpec, ...] = ()
    temperature: float | None = None
    max_tokens: int | None = None
    seed: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def task_id(self) -> str:
        """The task id from the metadata, or ``"*"`` when there is none."""
        return self.metadata.get(META_TASK, "*")

    @property
    def conversation(self) -> str:
        """The conversation key from the metadata; defaults to the task id."""
        return self.metadata.get(META_CONVERSATION, self.task_id)


@dataclass(frozen=True)
class Usage:
    """Token counts of one call; ``cached`` is the part of ``prompt`` served from a cache."""

    prompt: int = 0
    completion: int = 0
    cached: int = 0

    @property
    def total(self) -> int:
        """Prompt plus completion tokens."""
        return self.prompt + self.completion


FinishReason = Literal["stop", "tool_calls", "length", "content_filter", "other"]


@dataclass(frozen=True)
class Reply:
    """What a model answered, with what it cost.

    ``cost_usd`` is ``None`` (not 0) when the model has no price; ``raw_bytes`` is the size
    of the response body received; ``attempts`` counts tries including retried faults.
    """

    text: str
    tool_calls: tuple[ToolCall, ...]
    finish_reason: FinishReason
    usage: Usage
    latency_s: float
    cost_usd: float | None
    model: str
    raw_bytes: int
    attempts: int = 1
    clipped: bool = False


def clip_text(text: str, limit: int = MAX_REPLY_CHARS) -> tuple[str, bool]:
    """Clip reply text to ``limit`` characters with a visible marker; say whether it was."""
    if len(text) <= limit:
        return text, False
    marker = f"\n[assay: reply clipped, {len(text) - limit} of {len(text)} characters dropped]"
    return text[:limit] + marker, True
