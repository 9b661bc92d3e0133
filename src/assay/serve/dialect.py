"""What the wire dialects of ``assay serve`` share: the parsed request and the reply to send.

A dialect (OpenAI chat completions, OpenAI Responses, Anthropic messages, Gemini) turns a
request body into an ``Inbound`` — its model, whether it streams, how many assistant turns
the conversation already holds, the tools the client offered — and an ``Outbound`` reply
into a response body or a list of server-sent events.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from assay.models.script_format import DEFAULT_TASK, count_words

TASK_HEADER = "X-Assay-Task"
STREAM_PIECE = 64
"""Characters per streamed text or argument delta, so clients really assemble pieces."""
MAX_PIECES = 256
"""Long texts get longer pieces: a 10 MB reply as 64-character events would take minutes."""

Finish = Literal["stop", "tool_calls", "length"]


class ShapeError(Exception):
    """The request is not of a shape this server understands (it is answered 400 and saved)."""


@dataclass(frozen=True)
class Offered:
    """A tool the client offered: its name and the JSON schema of its arguments."""

    name: str
    schema: dict[str, Any] = field(default_factory=dict)
    freeform: bool = False
    """A tool taking raw text instead of a JSON object (Responses ``custom`` tools)."""

    @property
    def properties(self) -> dict[str, Any]:
        """The argument properties (empty when the schema names none)."""
        props = self.schema.get("properties")
        return props if isinstance(props, dict) else {}

    @property
    def required(self) -> list[str]:
        """The required argument names."""
        req = self.schema.get("required")
        return [r for r in req if isinstance(r, str)] if isinstance(req, list) else []


@dataclass(frozen=True)
class Inbound:
    """One parsed request."""

    dialect: str
    model: str | None
    stream: bool
    turn: int
    """Assistant turns the conversation already holds."""
    history: Any
    """What identifies the request among retries (its messages, input or contents)."""
    tools: tuple[Offered, ...]
    prompt_words: int
    task: str | None = None
    """The task named by the request itself (chat's ``user`` field), if any."""
    stream_usage: bool = True
    """Whether a streamed reply carries usage (chat: ``stream_options.include_usage``)."""


@dataclass(frozen=True)
class Call:
    """A tool call to send: ``arguments`` is JSON text, or raw text for a freeform tool."""

    id: str
    name: str
    arguments: str
    freeform: bool = False

    def args_object(self) -> dict[str, Any]:
        """The arguments as an object (``{}`` when they are not a JSON object)."""
        try:
            value = json.loads(self.arguments)
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Outbound:
    """The reply to send, in protocol-neutral terms."""

    text: str
    calls: tuple[Call, ...]
    finish: Finish
    prompt_tokens: int
    completion_tokens: int


class Dialect(Protocol):
    """One wire protocol."""

    name: str

    def parse(self, body: dict[str, Any], *, model: str | None, stream: bool) -> Inbound:
        """Parse a request body; raise ``ShapeError`` when it is not understood."""
        ...

    def reply(self, out: Outbound, inb: Inbound, index: int) -> Any:
        """Return the whole (non-streamed) response body."""
        ...

    def events(self, out: Outbound, inb: Inbound, index: int) -> list[bytes]:
        """Return the streamed response as complete server-sent-event frames."""
        ...

    def error(self, status: int, message: str) -> dict[str, Any]:
        """Return the error body of this protocol."""
        ...


def task_key(header: str | None, inb: Inbound, default: str | None) -> str:
    """The script task: the ``X-Assay-Task`` header, the request's own, the server's, or ``*``."""
    return header or inb.task or default or DEFAULT_TASK


def pieces(text: str) -> list[str]:
    """Split ``text`` into streamed pieces (at most ``MAX_PIECES`` of them)."""
    size = max(STREAM_PIECE, -(-len(text) // MAX_PIECES))
    return [text[i : i + size] for i in range(0, len(text), size)]


def frame(data: Any, event: str | None = None) -> bytes:
    """One server-sent event: ``data`` as JSON (or bytes as they are), optionally named."""
    payload = data if isinstance(data, bytes) else json.dumps(data).encode()
    head = f"event: {event}\n".encode() if event else b""
    return head + b"data: " + payload + b"\n\n"


def text_words(value: Any) -> int:
    """Words of every string inside ``value`` (a deterministic token stand-in)."""
    if isinstance(value, str):
        return count_words(value)
    if isinstance(value, dict):
        return sum(text_words(v) for k, v in value.items() if k not in _NOT_TEXT)
    if isinstance(value, list):
        return sum(text_words(v) for v in value)
    return 0


_NOT_TEXT = frozenset(
    {"role", "type", "id", "call_id", "tool_use_id", "name", "status", "signature", "model"}
)


def completion_words(out_text: str, calls: tuple[Call, ...]) -> int:
    """Completion tokens of a reply: words of its text and of its call arguments."""
    return count_words(out_text) + sum(count_words(c.arguments) for c in calls)
