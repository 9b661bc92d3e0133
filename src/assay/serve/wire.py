"""OpenAI chat-completions wire bodies built from script turns (pure functions)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assay.models.script import DEFAULT_TASK, Turn, count_words

TASK_HEADER = "X-Assay-Task"
STREAM_PIECE = 64
"""Characters per streamed content or argument delta, so clients really assemble pieces."""
MAX_PIECES = 256
"""Long texts get longer pieces: a 10 MB reply as 64-character events would take minutes."""


def task_key(header: str | None, body: Mapping[str, Any]) -> str:
    """Return the script task: the ``X-Assay-Task`` header, the ``user`` field, or ``*``."""
    if header:
        return header
    user = body.get("user")
    return user if isinstance(user, str) and user else DEFAULT_TASK


def turn_index(messages: list[Any]) -> int:
    """Return the turn: how many assistant messages the request already holds."""
    return sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant")


def _content_words(content: Any) -> int:
    if isinstance(content, str):
        return count_words(content)
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}, ...]
        return sum(
            count_words(p["text"])
            for p in content
            if isinstance(p, dict) and isinstance(p.get("text"), str)
        )
    return 0


def usage(messages: list[Any], turn: Turn) -> dict[str, Any]:
    """Word-count usage, the same numbers the in-process scripted model reports."""
    prompt = 0
    for m in messages:
        if not isinstance(m, dict):
            continue
        prompt += _content_words(m.get("content"))
        for call in m.get("tool_calls") or []:
            if isinstance(call, dict):
                prompt += count_words(str((call.get("function") or {}).get("arguments", "")))
    completion = count_words(turn.reply_text()) + sum(
        count_words(c.argument_text()) for c in turn.tool_calls
    )
    return {
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
        "prompt_tokens_details": {"cached_tokens": 0},
    }


def _tool_calls(turn: Turn, index: int) -> list[dict[str, Any]]:
    return [
        {
            "id": turn.call_id(index, i),
            "type": "function",
            "function": {"name": c.name, "arguments": c.argument_text()},
        }
        for i, c in enumerate(turn.tool_calls)
    ]


def completion(turn: Turn, index: int, model: str, use: dict[str, Any]) -> dict[str, Any]:
    """Return a whole ``chat.completion`` response body."""
    message: dict[str, Any] = {"role": "assistant", "content": turn.reply_text() or None}
    if turn.tool_calls:
        message["tool_calls"] = _tool_calls(turn, index)
    return {
        "id": f"chatcmpl-assay-{index}",
        "object": "chat.completion",
        "created": 0,
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": turn.finish()}],
        "usage": use,
    }


def _pieces(text: str) -> list[str]:
    size = max(STREAM_PIECE, -(-len(text) // MAX_PIECES))
    return [text[i : i + size] for i in range(0, len(text), size)]


def chunks(turn: Turn, index: int, model: str, use: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Return the ``chat.completion.chunk`` events of a streamed reply (without ``[DONE]``).

    Content and tool-call arguments arrive in pieces; the last choice chunk carries the
    finish reason; a final chunk without choices carries usage when ``use`` is given
    (``stream_options.include_usage``).
    """

    def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        head = {"id": f"chatcmpl-assay-{index}", "object": "chat.completion.chunk"}
        return {**head, "created": 0, "model": model, "choices": choices, **extra}

    def delta(d: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return chunk([{"index": 0, "delta": d, "finish_reason": finish}])

    out = [delta({"role": "assistant", "content": ""})]
    out += [delta({"content": piece}) for piece in _pieces(turn.reply_text())]
    for i, call in enumerate(_tool_calls(turn, index)):
        fn = call["function"]
        head = {"index": i, "id": call["id"], "type": "function"}
        out.append(
            delta({"tool_calls": [{**head, "function": {"name": fn["name"], "arguments": ""}}]})
        )
        out += [
            delta({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
            for piece in _pieces(fn["arguments"])
        ]
    out.append(delta({}, turn.finish()))
    if use is not None:
        out.append(chunk([], usage=use))
    return out
