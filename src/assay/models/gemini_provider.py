"""Gemini through the official ``google-genai`` SDK (the Gemini Developer API).

System messages become ``system_instruction``; tool calls are ``functionCall`` parts and
tool results go back as ``functionResponse`` parts (named after the call they answer).
Calls the API sent without an id get one here, which is not sent back; thought signatures
are kept on the call and returned with it, as newer models require. Automatic function
calling is off: the agent runs tools, not the SDK.
"""

from __future__ import annotations

import base64
import time
from typing import TYPE_CHECKING

from assay.models.endpoint import (
    SHAPE_ERRORS,
    api_key,
    sdk_missing,
    status_fault,
    wrong_shape,
)
from assay.models.pricing import PriceTable, cost_of
from assay.models.protocol import ModelFault, redact
from assay.models.retry import Retrier
from assay.models.types import FinishReason, Message, Reply, Request, ToolCall, Usage, clip_text

if TYPE_CHECKING:
    from google.genai import types as gt

KEY_VARIABLES = ("GEMINI_API_KEY", "GOOGLE_API_KEY")
MADE_ID = "assay-gemini-"
"""Prefix of call ids made up here for calls the API sent without one."""
FINISH: dict[str, FinishReason] = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
}


def wire_contents(messages: tuple[Message, ...]) -> tuple[str, list[gt.Content]]:
    """Return the system instruction and the ``contents`` list for a request."""
    from google.genai import types as gt

    names = {c.id: c.name for m in messages for c in m.tool_calls}
    system: list[str] = []
    out: list[gt.Content] = []
    for m in messages:
        if m.role == "system":
            system.append(m.content)
            continue
        parts: list[gt.Part] = []
        if m.role == "tool":
            call_id = m.tool_call_id or ""
            response = gt.FunctionResponse(
                id=None if call_id.startswith(MADE_ID) or not call_id else call_id,
                name=m.name or names.get(call_id, ""),
                response={"result": m.content},
            )
            parts.append(gt.Part(function_response=response))
        elif m.content:
            parts.append(gt.Part(text=m.content))
        for c in m.tool_calls:
            call = gt.FunctionCall(
                id=None if c.id.startswith(MADE_ID) else c.id, name=c.name, args=c.arguments
            )
            signature = base64.b64decode(c.signature) if c.signature else None
            parts.append(gt.Part(function_call=call, thought_signature=signature))
        if not parts:
            continue
        role = "model" if m.role == "assistant" else "user"
        if out and out[-1].role == role and out[-1].parts is not None:
            out[-1].parts.extend(parts)
        else:
            out.append(gt.Content(role=role, parts=parts))
    return "\n\n".join(system), out


def _body_size(response: gt.GenerateContentResponse) -> int:
    # The SDK keeps the response headers but not the body; without a Content-Length the
    # re-serialized response is the nearest measure.
    http = response.sdk_http_response
    headers = {k.lower(): v for k, v in ((http.headers or {}) if http else {}).items()}
    if headers.get("content-length", "").isdigit():
        return int(headers["content-length"])
    return len(response.model_dump_json(exclude_none=True).encode())


class GeminiModel:
    """A Gemini model; thread-safe (the SDK client is)."""

    supports_tools = True

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        timeout_s: float = 600.0,
        price_table: PriceTable | None = None,
        retrier: Retrier | None = None,
    ) -> None:
        try:
            from google import genai
            from google.genai import types as gt
        except ImportError:
            raise sdk_missing("gemini", "google-genai") from None
        self.name = f"gemini:{model}"
        self.model = model
        self._key = api_key(KEY_VARIABLES, base_url, self.name)
        # retry_options stays unset: the SDK then never retries and Retrier owns retries.
        options = gt.HttpOptions(base_url=base_url, timeout=int(timeout_s * 1000))
        self._client = genai.Client(vertexai=False, api_key=self._key, http_options=options)
        self._prices = price_table
        self._retrier = retrier or Retrier()

    def generate(self, request: Request) -> Reply:
        """Call ``generateContent``, retrying transient faults."""
        key = f"{self.name}:{request.conversation}"
        return self._retrier.run(lambda: self._once(request), key=key)

    def _config(self, request: Request, system: str) -> gt.GenerateContentConfig:
        from google.genai import types as gt

        tools = None
        if request.tools:
            declarations = [
                gt.FunctionDeclaration(
                    name=t.name, description=t.description, parameters_json_schema=t.parameters
                )
                for t in request.tools
            ]
            tools = [gt.Tool(function_declarations=declarations)]
        return gt.GenerateContentConfig(
            system_instruction=system or None,
            temperature=request.temperature,
            max_output_tokens=request.max_tokens,
            seed=request.seed,
            tools=tools,
            automatic_function_calling=gt.AutomaticFunctionCallingConfig(disable=True),
        )

    def _once(self, request: Request) -> Reply:
        import httpx2
        from google.genai import errors
        from pydantic import ValidationError

        start = time.monotonic()
        system, contents = wire_contents(request.messages)
        try:
            response = self._client.models.generate_content(
                model=self.model, contents=contents, config=self._config(request, system)
            )
        except errors.APIError as exc:
            detail = self._scrub(f"{exc.code} {exc.status}: {exc.message}")
            headers = getattr(exc.response, "headers", None)
            raise status_fault(exc.code, detail, dict(headers or {})) from None
        except httpx2.TimeoutException:
            raise ModelFault("transient", "timed out waiting for the endpoint") from None
        except httpx2.TransportError as exc:
            raise ModelFault("transient", self._scrub(f"connection failed: {exc}")) from None
        except (ValueError, ValidationError) as exc:
            # UnknownApiResponseError and JSON decode errors are ValueErrors.
            raise ModelFault("transient", self._scrub(f"unparseable response: {exc}")) from None
        try:
            return self._reply(response, time.monotonic() - start)
        except SHAPE_ERRORS as exc:
            raise wrong_shape(exc, (self._key,)) from None

    def _reply(self, response: gt.GenerateContentResponse, latency_s: float) -> Reply:
        texts: list[str] = []
        calls: list[ToolCall] = []
        candidate = response.candidates[0] if response.candidates else None
        parts = candidate.content.parts if candidate and candidate.content else None
        for part in parts or ():
            if part.function_call is not None:
                fc = part.function_call
                signature = (
                    base64.b64encode(part.thought_signature).decode()
                    if part.thought_signature
                    else None
                )
                call_id = fc.id or f"{MADE_ID}{len(calls)}"
                calls.append(
                    ToolCall.from_arguments(call_id, fc.name or "", fc.args or {}, signature)
                )
            elif part.text and not part.thought:
                texts.append(part.text)
        meta = response.usage_metadata
        usage = Usage()
        if meta is not None:
            usage = Usage(
                prompt=meta.prompt_token_count or 0,
                completion=(meta.candidates_token_count or 0) + (meta.thoughts_token_count or 0),
                cached=meta.cached_content_token_count or 0,
            )
        if candidate is None:
            finish: FinishReason = "content_filter"  # the prompt itself was blocked
        else:
            raw = candidate.finish_reason.value if candidate.finish_reason else ""
            finish = FINISH.get(raw, "other")
        nbytes = _body_size(response)
        text, clipped = clip_text("".join(texts))
        return Reply(
            text=text,
            tool_calls=tuple(calls),
            finish_reason="tool_calls" if calls and finish == "stop" else finish,
            usage=usage,
            latency_s=latency_s,
            cost_usd=cost_of(self._prices, self.name, usage),
            model=response.model_version or self.model,
            raw_bytes=nbytes,
            clipped=clipped,
        )

    def _scrub(self, text: str) -> str:
        return redact(text, (self._key,))
