"""An attempt's transcript rebuilt from its events as Inspect chat messages.

assay's events record what happened, not every byte the model saw: a ``model_call`` carries
its tokens, latency and the names of the tools it called, not its text; a ``tool_call``
carries the arguments and the (clipped) output. So the transcript is:

- a system message naming the attempt (task, agent, model, condition, seed, agent config);
- a user message at each round and pass start, and for each channel ``interrupt`` (the
  feedback the agent got) and ``format_error``;
- an assistant message per ``model_call`` (its tokens and latency as text, since the reply
  text is not recorded), holding the tool calls of the same pass and step;
- a tool message per ``tool_call`` with its output; an external agent's final
  ``cli_message`` as an assistant message.

Inspect's types are imported by the caller's module only when the ``inspect`` extra is
installed; this module is imported lazily for the same reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from inspect_ai.model import (
    ChatMessage,
    ChatMessageAssistant,
    ChatMessageSystem,
    ChatMessageTool,
    ChatMessageUser,
)
from inspect_ai.tool import ToolCall, ToolCallError

from assay.results.events import read_events

NOT_RECORDED = "the reply text is not in assay's events"


def _system(data: dict[str, Any], attempt_id: str) -> ChatMessageSystem:
    config = json.dumps(data.get("config", {}), sort_keys=True)
    text = (
        f"assay attempt {attempt_id}: task {data.get('task')}, agent {data.get('agent')},"
        f" model {data.get('model')}, condition {data.get('condition')}, seed"
        f" {data.get('seed')}. Agent config: {config}. This transcript is rebuilt from the"
        " run directory's events (the authority); prompts and reply texts are not recorded"
        " there, tool arguments and outputs are (clipped)."
    )
    return ChatMessageSystem(content=text, source="input")


def _model_call(data: dict[str, Any]) -> ChatMessageAssistant:
    text = (
        f"[model call: {data.get('prompt_tokens', 0)} prompt + "
        f"{data.get('completion_tokens', 0)} completion tokens, "
        f"{data.get('latency_s', 0)} s, finish {data.get('finish_reason')}; "
        f"{data.get('text_chars', 0)} characters of text ({NOT_RECORDED})]"
    )
    return ChatMessageAssistant(
        content=text, model=data.get("model"), tool_calls=[], source="generate"
    )


def _user(text: str, kind: str) -> ChatMessageUser:
    return ChatMessageUser(content=text, metadata={"assay_event": kind})


def _tool_text(data: dict[str, Any]) -> str:
    out = data.get("output")
    return out if isinstance(out, str) and out else "(no output recorded)"


class _Builder:
    """Walks the events in order, pairing tool calls with the model call that made them."""

    def __init__(self, attempt_id: str) -> None:
        self.attempt_id = attempt_id
        self.messages: list[ChatMessage] = []
        self.current: ChatMessageAssistant | None = None
        self.key: tuple[Any, Any] | None = None
        self.calls = 0

    def add(self, kind: str, data: dict[str, Any]) -> None:
        """Turn one event into zero or more messages."""
        if kind == "attempt_start":
            self.messages.append(_system(data, self.attempt_id))
        elif kind == "round_start":
            self.messages.append(_user(f"Round {data.get('round', 0) + 1} starts.", kind))
        elif kind == "pass_start":
            self.messages.append(_user(f"Pass {data.get('pass', 0) + 1} (a fresh context).", kind))
        elif kind == "interrupt":
            feedback = data.get("feedback") or "; ".join(data.get("findings", []))
            self.messages.append(_user(f"[{data.get('channel')} interrupted] {feedback}", kind))
        elif kind == "format_error":
            self.messages.append(_user(f"[format error] {data.get('error')}", kind))
        elif kind == "model_call":
            self.current = _model_call(data)
            self.key = (data.get("pass"), data.get("step"))
            self.messages.append(self.current)
        elif kind == "tool_call":
            self._tool(data)
        elif kind == "cli_message":
            self.messages.append(ChatMessageAssistant(content=str(data.get("text", ""))))

    def _tool(self, data: dict[str, Any]) -> None:
        key = (data.get("pass"), data.get("step"))
        if self.current is None or key not in ((None, None), self.key):
            # A tool call with no recorded model call before it (an external agent's).
            self.current = ChatMessageAssistant(content="[tool call]", tool_calls=[])
            self.key = key
            self.messages.append(self.current)
        self.calls += 1
        call_id = f"call-{self.calls}"
        args = data.get("args")
        function = str(data.get("tool", "unknown"))
        call = ToolCall(
            id=call_id, function=function, arguments=args if isinstance(args, dict) else {}
        )
        if self.current.tool_calls is not None:
            self.current.tool_calls.append(call)
        ok = data.get("ok", True)
        self.messages.append(
            ChatMessageTool(
                content=_tool_text(data),
                tool_call_id=call_id,
                function=function,
                error=None if ok else ToolCallError("unknown", _tool_text(data)[:500]),
            )
        )


def transcript(attempt_id: str, events: Path) -> list[ChatMessage]:
    """The attempt's messages, rebuilt from its events file (missing file: no messages)."""
    builder = _Builder(attempt_id)
    for event in read_events(events):
        builder.add(str(event.get("kind", "")), event["data"])
    return builder.messages
