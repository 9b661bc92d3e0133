"""Token usage, tool calls and model read from one provider response, in each dialect.

The recording proxy passes bytes through untouched and reads them here afterwards: a plain
JSON body, or each ``data:`` event of a stream (chat completions, Responses, Anthropic
messages, Gemini).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any


def _objects(body: bytes, stream: bool) -> Iterator[dict[str, Any]]:
    """The JSON objects of a response: the body, or each ``data:`` event of a stream."""
    text = body.decode("utf-8", "replace")
    if not stream:
        try:
            data = json.loads(text)
        except ValueError:
            return
        items = data if isinstance(data, list) else [data]
        yield from (d for d in items if isinstance(d, dict))
        return
    for line in text.splitlines():
        if line.startswith("data:"):
            try:
                data = json.loads(line[5:].strip())
            except ValueError:
                continue
            if isinstance(data, dict):
                yield data


@dataclass
class Tally:
    """Usage and tool calls read from one response."""

    prompt: int = 0
    completion: int = 0
    cached: int = 0
    tools: list[str] | None = None
    model: str | None = None

    def tool(self, name: Any) -> None:
        """Note a tool call by name."""
        if isinstance(name, str) and name:
            self.tools = [*(self.tools or []), name]


def _num(data: Any, key: str) -> int:
    value = data.get(key) if isinstance(data, dict) else None
    return int(value) if isinstance(value, int | float) else 0


def _chat(obj: dict[str, Any], t: Tally) -> None:
    usage = obj.get("usage")
    if isinstance(usage, dict):
        t.prompt, t.completion = _num(usage, "prompt_tokens"), _num(usage, "completion_tokens")
        t.cached = _num(usage.get("prompt_tokens_details"), "cached_tokens")
    for choice in obj.get("choices") or []:
        part = (
            (choice.get("message") or choice.get("delta") or {}) if isinstance(choice, dict) else {}
        )
        for call in part.get("tool_calls") or []:
            t.tool((call.get("function") or {}).get("name") if isinstance(call, dict) else None)


def _responses(obj: dict[str, Any], t: Tally) -> None:
    inner = obj.get("response")
    response: dict[str, Any] = inner if isinstance(inner, dict) else obj
    if obj.get("type") not in (
        None,
        "response.completed",
        "response.incomplete",
        "response.failed",
    ):
        return
    usage = response.get("usage")
    if isinstance(usage, dict):
        t.prompt, t.completion = _num(usage, "input_tokens"), _num(usage, "output_tokens")
        t.cached = _num(usage.get("input_tokens_details"), "cached_tokens")
    for item in response.get("output") or []:
        if isinstance(item, dict) and item.get("type") in ("function_call", "custom_tool_call"):
            t.tool(item.get("name"))


def _anthropic(obj: dict[str, Any], t: Tally) -> None:
    message = obj.get("message") if obj.get("type") == "message_start" else obj
    usage = message.get("usage") if isinstance(message, dict) else None
    content = obj.get("content") if obj.get("type") == "message" else None
    if isinstance(usage, dict):
        if "input_tokens" in usage:
            t.prompt = _num(usage, "input_tokens")
            t.cached = _num(usage, "cache_read_input_tokens")
        t.completion = max(t.completion, _num(usage, "output_tokens"))
    blocks = [obj.get("content_block")] if obj.get("type") == "content_block_start" else []
    blocks += content if isinstance(content, list) else []
    for block in blocks:
        if isinstance(block, dict) and block.get("type") == "tool_use":
            t.tool(block.get("name"))


def _gemini(obj: dict[str, Any], t: Tally) -> None:
    usage = obj.get("usageMetadata")
    if isinstance(usage, dict):
        t.prompt, t.completion = (
            _num(usage, "promptTokenCount"),
            _num(usage, "candidatesTokenCount"),
        )
        t.cached = _num(usage, "cachedContentTokenCount")
    for candidate in obj.get("candidates") or []:
        content = candidate.get("content") if isinstance(candidate, dict) else None
        parts = content.get("parts") if isinstance(content, dict) else None
        for part in parts or []:
            if isinstance(part, dict) and isinstance(part.get("functionCall"), dict):
                t.tool(part["functionCall"].get("name"))


READERS: dict[str, Callable[[dict[str, Any], Tally], None]] = {
    "chat": _chat,
    "responses": _responses,
    "anthropic": _anthropic,
    "gemini": _gemini,
}


def tally(dialect: str, body: bytes, stream: bool) -> Tally:
    """Usage, tool calls and model of one response body (plain or streamed)."""
    t = Tally()
    read = READERS.get(dialect)
    for obj in _objects(body, stream):
        if read is not None:
            read(obj, t)
        model = (
            obj.get("model") or obj.get("modelVersion") or (obj.get("response") or {}).get("model")
        )
        if isinstance(model, str) and model:
            t.model = model
    return t
