"""OpenAI Responses: ``POST /v1/responses``, plain or streamed as typed events (Codex's API)."""

from __future__ import annotations

from typing import Any

from assay.serve.dialect import (
    Call,
    Inbound,
    Offered,
    Outbound,
    ShapeError,
    frame,
    pieces,
    text_words,
)

_ASSISTANT_ITEMS = frozenset(
    {"function_call", "custom_tool_call", "reasoning", "local_shell_call", "web_search_call"}
)


def _assistant_turns(items: list[Any]) -> int:
    """Groups of assistant output items (a message and its calls are one turn)."""
    turns, inside = 0, False
    for item in items:
        if not isinstance(item, dict):
            raise ShapeError("input items must be objects")
        kind = item.get("type", "message")
        mine = kind in _ASSISTANT_ITEMS or (kind == "message" and item.get("role") == "assistant")
        if mine and not inside:
            turns += 1
        inside = mine
    return turns


def _tools(body: dict[str, Any]) -> tuple[Offered, ...]:
    out = []
    for tool in body.get("tools") or []:
        if not isinstance(tool, dict) or not isinstance(tool.get("type"), str):
            raise ShapeError("each tool needs a type")
        name = tool.get("name")
        if tool["type"] == "function" and isinstance(name, str):
            params = tool.get("parameters")
            out.append(Offered(name, params if isinstance(params, dict) else {}))
        elif tool["type"] == "custom" and isinstance(name, str):
            out.append(Offered(name, {}, freeform=True))
        elif tool["type"] in ("function", "custom"):
            raise ShapeError(f"a {tool['type']} tool needs a name")
        # Built-in tools (web_search, local_shell, ...) cannot be scripted: not offered here.
    return tuple(out)


class ResponsesDialect:
    """The Responses wire protocol."""

    name = "responses"

    def parse(self, body: dict[str, Any], *, model: str | None, stream: bool) -> Inbound:
        """Read input items (or an input string), tools and the stream flag."""
        raw = body.get("input")
        if isinstance(raw, str):
            items: list[Any] = [{"type": "message", "role": "user", "content": raw}]
        elif isinstance(raw, list):
            items = raw
        else:
            raise ShapeError("body must be a JSON object with input (a string or a list)")
        return Inbound(
            dialect=self.name,
            model=body.get("model") if isinstance(body.get("model"), str) else None,
            stream=bool(body.get("stream")),
            turn=_assistant_turns(items),
            history=items,
            tools=_tools(body),
            prompt_words=text_words(items) + text_words(body.get("instructions")),
        )

    @staticmethod
    def _item(call: Call, index: int, position: int) -> dict[str, Any]:
        if call.freeform:
            return {
                "id": f"ctc_assay_{index}_{position}",
                "type": "custom_tool_call",
                "status": "completed",
                "call_id": call.id,
                "name": call.name,
                "input": call.arguments,
            }
        return {
            "id": f"fc_assay_{index}_{position}",
            "type": "function_call",
            "status": "completed",
            "call_id": call.id,
            "name": call.name,
            "arguments": call.arguments,
        }

    @staticmethod
    def _message(out: Outbound, index: int) -> dict[str, Any]:
        return {
            "id": f"msg_assay_{index}",
            "type": "message",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": "output_text", "text": out.text, "annotations": []}],
        }

    def _response(
        self, out: Outbound, inb: Inbound, index: int, output: list[dict[str, Any]]
    ) -> dict[str, Any]:
        length = out.finish == "length"
        return {
            "id": f"resp_assay_{index}",
            "object": "response",
            "created_at": 0,
            "status": "incomplete" if length else "completed",
            "incomplete_details": {"reason": "max_output_tokens"} if length else None,
            "error": None,
            "model": inb.model,
            "output": output,
            "parallel_tool_calls": True,
            "tool_choice": "auto",
            "tools": [],
            "usage": {
                "input_tokens": out.prompt_tokens,
                "input_tokens_details": {"cached_tokens": 0},
                "output_tokens": out.completion_tokens,
                "output_tokens_details": {"reasoning_tokens": 0},
                "total_tokens": out.prompt_tokens + out.completion_tokens,
            },
        }

    def _output(self, out: Outbound, index: int) -> list[dict[str, Any]]:
        items = [self._message(out, index)] if out.text else []
        return items + [self._item(c, index, i) for i, c in enumerate(out.calls)]

    def reply(self, out: Outbound, inb: Inbound, index: int) -> dict[str, Any]:
        """A whole ``response`` object."""
        return self._response(out, inb, index, self._output(out, index))

    def events(self, out: Outbound, inb: Inbound, index: int) -> list[bytes]:
        """``response.*`` events: created, items added with their deltas and done, completed."""
        seq = 0
        frames: list[bytes] = []

        def emit(kind: str, **data: Any) -> None:
            nonlocal seq
            frames.append(frame({"type": kind, "sequence_number": seq, **data}, event=kind))
            seq += 1

        started = self._response(out, inb, index, [])
        started.update(status="in_progress", usage=None, incomplete_details=None)
        emit("response.created", response=started)
        emit("response.in_progress", response=started)
        output = self._output(out, index)
        for n, item in enumerate(output):
            opened = dict(item, status="in_progress")
            if item["type"] == "message":
                opened["content"] = []
            elif item["type"] == "function_call":
                opened["arguments"] = ""
            emit("response.output_item.added", output_index=n, item=opened)
            where = {"item_id": item["id"], "output_index": n}
            if item["type"] == "message":
                part = {"type": "output_text", "text": "", "annotations": []}
                emit("response.content_part.added", **where, content_index=0, part=part)
                for piece in pieces(out.text):
                    emit("response.output_text.delta", **where, content_index=0, delta=piece)
                emit("response.output_text.done", **where, content_index=0, text=out.text)
                done_part = dict(part, text=out.text)
                emit("response.content_part.done", **where, content_index=0, part=done_part)
            elif item["type"] == "function_call":
                for piece in pieces(item["arguments"]):
                    emit("response.function_call_arguments.delta", **where, delta=piece)
                emit("response.function_call_arguments.done", **where, arguments=item["arguments"])
            emit("response.output_item.done", output_index=n, item=item)
        final = self._response(out, inb, index, output)
        emit(
            "response.incomplete" if out.finish == "length" else "response.completed",
            response=final,
        )
        return frames

    def error(self, status: int, message: str) -> dict[str, Any]:
        """OpenAI's error body."""
        kind = "rate_limit_error" if status == 429 else "server_error"
        if 400 <= status < 500 and status != 429:
            kind = "invalid_request_error"
        return {"error": {"message": message, "type": kind, "param": None, "code": None}}
