"""Gemini: ``models/M:generateContent`` and ``:streamGenerateContent`` (``?alt=sse``)."""

from __future__ import annotations

from typing import Any

from assay.serve.dialect import Inbound, Offered, Outbound, ShapeError, frame, pieces, text_words

_FINISH = {"stop": "STOP", "tool_calls": "STOP", "length": "MAX_TOKENS"}
_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    503: "UNAVAILABLE",
    504: "DEADLINE_EXCEEDED",
}


def _tools(body: dict[str, Any]) -> tuple[Offered, ...]:
    out = []
    for tool in body.get("tools") or []:
        if not isinstance(tool, dict):
            raise ShapeError("each tool must be an object")
        for decl in tool.get("functionDeclarations") or tool.get("function_declarations") or []:
            if not isinstance(decl, dict) or not isinstance(decl.get("name"), str):
                raise ShapeError("each function declaration needs a name")
            schema = (
                decl.get("parametersJsonSchema")
                or decl.get("parameters_json_schema")
                or decl.get("parameters")
                or {}
            )
            out.append(Offered(decl["name"], _lower_types(schema)))
    return tuple(out)


def _lower_types(schema: Any) -> Any:
    """Gemini's OpenAPI-style schemas spell types in capitals (``STRING``); JSON Schema doesn't."""
    if isinstance(schema, dict):
        return {
            k: (v.lower() if k == "type" and isinstance(v, str) else _lower_types(v))
            for k, v in schema.items()
        }
    if isinstance(schema, list):
        return [_lower_types(v) for v in schema]
    return schema


class GeminiDialect:
    """The generateContent wire protocol."""

    name = "gemini"

    def parse(self, body: dict[str, Any], *, model: str | None, stream: bool) -> Inbound:
        """Read contents, system instruction and tools; model and streaming come from the path."""
        contents = body.get("contents")
        if not isinstance(contents, list) or not all(isinstance(c, dict) for c in contents):
            raise ShapeError("body must be a JSON object with contents (a list of objects)")
        return Inbound(
            dialect=self.name,
            model=model,
            stream=stream,
            turn=sum(1 for c in contents if c.get("role") == "model"),
            history=contents,
            tools=_tools(body),
            prompt_words=text_words(contents) + text_words(body.get("systemInstruction")),
        )

    @staticmethod
    def _usage(out: Outbound) -> dict[str, Any]:
        return {
            "promptTokenCount": out.prompt_tokens,
            "candidatesTokenCount": out.completion_tokens,
            "totalTokenCount": out.prompt_tokens + out.completion_tokens,
        }

    @staticmethod
    def _chunk(
        parts: list[dict[str, Any]], inb: Inbound, index: int, **extra: Any
    ) -> dict[str, Any]:
        candidate = {"content": {"role": "model", "parts": parts}, "index": 0, **extra}
        return {
            "candidates": [candidate],
            "modelVersion": inb.model,
            "responseId": f"assay-{index}",
        }

    @staticmethod
    def _call_parts(out: Outbound) -> list[dict[str, Any]]:
        return [
            {"functionCall": {"id": c.id, "name": c.name, "args": c.args_object()}}
            for c in out.calls
        ]

    def reply(self, out: Outbound, inb: Inbound, index: int) -> dict[str, Any]:
        """A whole ``GenerateContentResponse``."""
        parts = ([{"text": out.text}] if out.text else []) + self._call_parts(out)
        body = self._chunk(parts, inb, index, finishReason=_FINISH[out.finish])
        body["usageMetadata"] = self._usage(out)
        return body

    def chunks(self, out: Outbound, inb: Inbound, index: int) -> list[dict[str, Any]]:
        """The streamed responses: text in pieces, then the calls with finish reason and usage."""
        texts = pieces(out.text)
        out_chunks = [self._chunk([{"text": t}], inb, index) for t in texts[:-1]]
        last = ([{"text": texts[-1]}] if texts else []) + self._call_parts(out)
        final = self._chunk(last or [{"text": ""}], inb, index, finishReason=_FINISH[out.finish])
        final["usageMetadata"] = self._usage(out)
        return [*out_chunks, final]

    def events(self, out: Outbound, inb: Inbound, index: int) -> list[bytes]:
        """The streamed responses as ``alt=sse`` events."""
        return [frame(c) for c in self.chunks(out, inb, index)]

    def error(self, status: int, message: str) -> dict[str, Any]:
        """Google's error body."""
        kind = _STATUS.get(status, "INTERNAL" if status < 503 else "UNAVAILABLE")
        return {"error": {"code": status, "message": message, "status": kind}}
