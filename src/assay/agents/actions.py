"""Turning a model reply into actions: native tool calls, or the strict text protocol.

The text protocol lets models without native tool calls act: each reply holds exactly one
fenced block tagged ``action`` whose body is a JSON object ``{"tool": NAME, "args": {...}}``.
Anything else is a format error that goes back to the model with the list of valid tools.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from assay.agents.tools import SPECS
from assay.models.types import Reply

_BLOCK = re.compile(r"```action[ \t]*\n(.*?)```", re.DOTALL)
_THINK = re.compile(r"<think>.*?</think>", re.DOTALL)

TEXT_PROTOCOL_HELP = """\
Act with exactly one action block per reply, nothing after it:

```action
{"tool": "read_file", "args": {"path": "module.py"}}
```

Tools and their args:
""" + "\n".join(
    f"- {s.name}({', '.join(s.parameters['properties'])}): {s.description}" for s in SPECS.values()
)


@dataclass(frozen=True)
class Action:
    """One tool call to execute."""

    call_id: str
    tool: str
    args: dict[str, Any]


class FormatError(Exception):
    """A reply that is not a valid action; the message is shown to the model."""


def strip_reasoning(text: str) -> str:
    """Drop ``<think>`` traces: reasoning is never fed back into the history."""
    return _THINK.sub("", text).strip()


def _valid_tools() -> str:
    return ", ".join(SPECS)


def parse_native(reply: Reply) -> list[Action]:
    """Actions from native tool calls; a malformed call raises FormatError."""
    actions = []
    for call in reply.tool_calls:
        if call.name not in SPECS:
            raise FormatError(f"unknown tool {call.name!r}; valid tools: {_valid_tools()}")
        if call.arguments_error:
            raise FormatError(f"{call.name}: {call.arguments_error}")
        actions.append(Action(call.id, call.name, call.arguments))
    return actions


def parse_text(text: str, *, call_id: str) -> list[Action]:
    """Parse the single action of a text-protocol reply ([] when it holds no block)."""
    blocks = _BLOCK.findall(strip_reasoning(text))
    if not blocks:
        if "```action" in text:
            raise FormatError("the action block is not closed with ```")
        return []
    if len(blocks) > 1:
        raise FormatError(f"{len(blocks)} action blocks; send exactly one per reply")
    try:
        body = json.loads(blocks[0])
    except ValueError as exc:
        raise FormatError(f"the action block is not valid JSON: {exc}") from None
    if not isinstance(body, dict) or not isinstance(body.get("tool"), str):
        raise FormatError('the action must be a JSON object {"tool": NAME, "args": {...}}')
    args = body.get("args", {})
    if not isinstance(args, dict):
        raise FormatError('"args" must be a JSON object')
    if body["tool"] not in SPECS:
        raise FormatError(f"unknown tool {body['tool']!r}; valid tools: {_valid_tools()}")
    return [Action(call_id, body["tool"], args)]
