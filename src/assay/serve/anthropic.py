"""Anthropic messages: ``POST /v1/messages`` (``?beta=true`` too), plain or streamed."""

from __future__ import annotations

from typing import Any

from assay.serve.dialect import Inbound, Offered, Outbound, ShapeError, frame, pieces, text_words

_STOP = {"stop": "end_turn", "tool_calls": "tool_use", "length": "max_tokens"}
_ERRORS = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    529: "overloaded_error",
}


def _tools(body: dict[str, Any]) -> tuple[Offered, ...]:
    out = []
    for tool in body.get("tools") or []:
        if not isinstance(tool, dict) or not isinstance(tool.get("name"), str):
            raise ShapeError("each tool needs a name")
        schema = tool.get("input_schema")
        if isinstance(schema, dict):
            out.append(Offered(tool["name"], schema))
        elif tool.get("type") in (None, "custom"):
            raise ShapeError(f"tool {tool['name']!r} has no input_schema")
        # Server tools (web search, code execution, ...) run at the provider: not offered.
    return tuple(out)


class AnthropicDialect:
    """The Messages wire protocol."""

    name = "anthropic"

    def parse(self, body: dict[str, Any], *, model: str | None, stream: bool) -> Inbound:
        """Read messages, system, tools and the stream flag."""
        messages = body.get("messages")
        if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
            raise ShapeError("body must be a JSON object with messages (a list of objects)")
        return Inbound(
            dialect=self.name,
            model=body.get("model") if isinstance(body.get("model"), str) else None,
            stream=bool(body.get("stream")),
            turn=sum(1 for m in messages if m.get("role") == "assistant"),
            history=messages,
            tools=_tools(body),
            prompt_words=text_words(messages) + text_words(body.get("system")),
        )

    @staticmethod
    def _usage(out: Outbound, output_tokens: int) -> dict[str, Any]:
        return {
            "input_tokens": out.prompt_tokens,
            "output_tokens": output_tokens,
            "cache_creation_input_tokens": 0,
            "cache_read_input_tokens": 0,
        }

    def _message(self, out: Outbound, inb: Inbound, index: int) -> dict[str, Any]:
        return {
            "id": f"msg_assay_{index}",
            "type": "message",
            "role": "assistant",
            "model": inb.model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": self._usage(out, 0),
        }

    def reply(self, out: Outbound, inb: Inbound, index: int) -> dict[str, Any]:
        """A whole ``message``."""
        content: list[dict[str, Any]] = [{"type": "text", "text": out.text}] if out.text else []
        content += [
            {"type": "tool_use", "id": c.id, "name": c.name, "input": c.args_object()}
            for c in out.calls
        ]
        return {
            **self._message(out, inb, index),
            "content": content,
            "stop_reason": _STOP[out.finish],
            "usage": self._usage(out, out.completion_tokens),
        }

    def events(self, out: Outbound, inb: Inbound, index: int) -> list[bytes]:
        """message_start, a content block per text and tool use with deltas, message_stop."""
        frames = [
            frame(
                {"type": "message_start", "message": self._message(out, inb, index)},
                "message_start",
            )
        ]

        def block(n: int, start: dict[str, Any], deltas: list[dict[str, Any]]) -> None:
            frames.append(
                frame(
                    {"type": "content_block_start", "index": n, "content_block": start},
                    "content_block_start",
                )
            )
            for d in deltas:
                frames.append(
                    frame(
                        {"type": "content_block_delta", "index": n, "delta": d},
                        "content_block_delta",
                    )
                )
            frames.append(frame({"type": "content_block_stop", "index": n}, "content_block_stop"))

        n = 0
        if out.text:
            block(
                n,
                {"type": "text", "text": ""},
                [{"type": "text_delta", "text": p} for p in pieces(out.text)],
            )
            n += 1
        for call in out.calls:
            start = {"type": "tool_use", "id": call.id, "name": call.name, "input": {}}
            deltas = [
                {"type": "input_json_delta", "partial_json": p} for p in pieces(call.arguments)
            ]
            block(n, start, deltas)
            n += 1
        delta = {"stop_reason": _STOP[out.finish], "stop_sequence": None}
        usage = {"output_tokens": out.completion_tokens}
        frames.append(
            frame({"type": "message_delta", "delta": delta, "usage": usage}, "message_delta")
        )
        frames.append(frame({"type": "message_stop"}, "message_stop"))
        return frames

    def error(self, status: int, message: str) -> dict[str, Any]:
        """Anthropic's error body."""
        kind = _ERRORS.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}}
