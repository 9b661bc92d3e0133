"""OpenAI chat completions: ``POST /v1/chat/completions``, plain or streamed (ending ``[DONE]``)."""

from __future__ import annotations

from typing import Any

from assay.models.script_format import count_words
from assay.serve.dialect import Call, Inbound, Offered, Outbound, ShapeError, frame, pieces


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


def prompt_words(messages: list[Any]) -> int:
    """Words of every message and tool-call argument (what the in-process replay counts)."""
    words = 0
    for m in messages:
        if not isinstance(m, dict):
            continue
        words += _content_words(m.get("content"))
        for call in m.get("tool_calls") or []:
            if isinstance(call, dict):
                words += count_words(str((call.get("function") or {}).get("arguments", "")))
    return words


def _tools(body: dict[str, Any]) -> tuple[Offered, ...]:
    out = []
    for tool in body.get("tools") or []:
        fn = tool.get("function") if isinstance(tool, dict) else None
        if not isinstance(fn, dict) or not isinstance(fn.get("name"), str):
            raise ShapeError("each tool needs function.name")
        params = fn.get("parameters")
        out.append(Offered(fn["name"], params if isinstance(params, dict) else {}))
    return tuple(out)


class ChatDialect:
    """The chat-completions wire protocol."""

    name = "chat"

    def parse(self, body: dict[str, Any], *, model: str | None, stream: bool) -> Inbound:
        """Read messages, tools, stream options and the ``user`` field."""
        messages = body.get("messages")
        if not isinstance(messages, list):
            raise ShapeError("body must be a JSON object with messages")
        options = body.get("stream_options")
        user = body.get("user")
        return Inbound(
            dialect=self.name,
            model=body.get("model") if isinstance(body.get("model"), str) else None,
            stream=bool(body.get("stream")),
            turn=sum(1 for m in messages if isinstance(m, dict) and m.get("role") == "assistant"),
            history=messages,
            tools=_tools(body),
            prompt_words=prompt_words(messages),
            task=user if isinstance(user, str) and user else None,
            stream_usage=isinstance(options, dict) and bool(options.get("include_usage")),
        )

    @staticmethod
    def usage(out: Outbound) -> dict[str, Any]:
        """The usage object of a reply."""
        return {
            "prompt_tokens": out.prompt_tokens,
            "completion_tokens": out.completion_tokens,
            "total_tokens": out.prompt_tokens + out.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0},
        }

    @staticmethod
    def _calls(calls: tuple[Call, ...]) -> list[dict[str, Any]]:
        return [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in calls
        ]

    def reply(self, out: Outbound, inb: Inbound, index: int) -> dict[str, Any]:
        """A whole ``chat.completion``."""
        message: dict[str, Any] = {"role": "assistant", "content": out.text or None}
        if out.calls:
            message["tool_calls"] = self._calls(out.calls)
        return {
            "id": f"chatcmpl-assay-{index}",
            "object": "chat.completion",
            "created": 0,
            "model": inb.model,
            "choices": [{"index": 0, "message": message, "finish_reason": out.finish}],
            "usage": self.usage(out),
        }

    def events(self, out: Outbound, inb: Inbound, index: int) -> list[bytes]:
        """``chat.completion.chunk`` events: text and arguments in pieces, then ``[DONE]``.

        The last choice chunk carries the finish reason; a final chunk without choices
        carries usage when the client asked for it (``stream_options.include_usage``).
        """

        def chunk(choices: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
            head = {"id": f"chatcmpl-assay-{index}", "object": "chat.completion.chunk"}
            return {**head, "created": 0, "model": inb.model, "choices": choices, **extra}

        def delta(d: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
            return chunk([{"index": 0, "delta": d, "finish_reason": finish}])

        out_chunks = [delta({"role": "assistant", "content": ""})]
        out_chunks += [delta({"content": piece}) for piece in pieces(out.text)]
        for i, call in enumerate(self._calls(out.calls)):
            fn = call["function"]
            head = {"index": i, "id": call["id"], "type": "function"}
            out_chunks.append(
                delta({"tool_calls": [{**head, "function": {"name": fn["name"], "arguments": ""}}]})
            )
            out_chunks += [
                delta({"tool_calls": [{"index": i, "function": {"arguments": piece}}]})
                for piece in pieces(fn["arguments"])
            ]
        out_chunks.append(delta({}, out.finish))
        if inb.stream_usage:
            out_chunks.append(chunk([], usage=self.usage(out)))
        return [*(frame(c) for c in out_chunks), frame(b"[DONE]")]

    def error(self, status: int, message: str) -> dict[str, Any]:
        """OpenAI's error body."""
        kind = {429: "rate_limit_error", 400: "invalid_request_error", 404: "not_found"}.get(
            status, "server_error"
        )
        return {"error": {"message": message, "type": kind, "param": None, "code": None}}
