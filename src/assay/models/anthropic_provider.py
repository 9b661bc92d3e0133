"""Anthropic's Messages API through the official ``anthropic`` SDK.

System messages become the ``system`` parameter; tool calls are ``tool_use`` blocks and
tool results go back as ``tool_result`` blocks in a user turn (consecutive messages of one
role are merged, as the API wants alternating roles). Prompt tokens include cache reads
and writes; ``cached`` counts the reads. ``temperature`` and ``seed`` are not sent: the
Messages API of this SDK takes no sampling parameters.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any

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
    from anthropic.types import Message as AnthropicMessage

KEY_VARIABLES = ("ANTHROPIC_API_KEY",)
DEFAULT_MAX_TOKENS = 4096
"""The API requires ``max_tokens``; this is used when the request leaves it open."""
FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "tool_use": "tool_calls",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "content_filter",
}


def _blocks(m: Message) -> list[dict[str, Any]]:
    if m.role == "tool":
        return [{"type": "tool_result", "tool_use_id": m.tool_call_id or "", "content": m.content}]
    # The API rejects empty text blocks.
    blocks: list[dict[str, Any]] = [{"type": "text", "text": m.content}] if m.content else []
    blocks += [
        {"type": "tool_use", "id": c.id, "name": c.name, "input": c.arguments} for c in m.tool_calls
    ]
    return blocks


def wire_messages(messages: tuple[Message, ...]) -> tuple[str, list[dict[str, Any]]]:
    """Return the ``system`` text and the ``messages`` list for a request."""
    system: list[str] = []
    out: list[dict[str, Any]] = []
    for m in messages:
        if m.role == "system":
            system.append(m.content)
            continue
        role = "assistant" if m.role == "assistant" else "user"
        blocks = _blocks(m)
        if not blocks:
            continue
        if out and out[-1]["role"] == role:
            out[-1]["content"].extend(blocks)
        else:
            out.append({"role": role, "content": blocks})
    return "\n\n".join(system), out


class AnthropicModel:
    """A Claude model; thread-safe (the SDK client is)."""

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
            import anthropic
        except ImportError:
            raise sdk_missing("anthropic", "anthropic") from None
        self.name = f"anthropic:{model}"
        self.model = model
        self._key = api_key(KEY_VARIABLES, base_url, self.name)
        self._client = anthropic.Anthropic(
            api_key=self._key, base_url=base_url, max_retries=0, timeout=timeout_s
        )
        self._prices = price_table
        self._retrier = retrier or Retrier()

    def generate(self, request: Request) -> Reply:
        """Call the Messages API, retrying transient faults."""
        key = f"{self.name}:{request.conversation}"
        return self._retrier.run(lambda: self._once(request), key=key)

    def _params(self, request: Request) -> dict[str, Any]:
        system, messages = wire_messages(request.messages)
        params: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": request.max_tokens or DEFAULT_MAX_TOKENS,
        }
        if system:
            params["system"] = system
        if request.tools:
            params["tools"] = [
                {"name": t.name, "description": t.description, "input_schema": t.parameters}
                for t in request.tools
            ]
        return params

    def _once(self, request: Request) -> Reply:
        import anthropic
        from anthropic.types import Message as AnthropicMessage

        start = time.monotonic()
        try:
            raw = self._client.messages.with_raw_response.create(**self._params(request))
            message = raw.parse()
        except anthropic.APIStatusError as exc:
            detail = redact(str(exc.message), (self._key,))
            raise status_fault(exc.status_code, detail, exc.response.headers) from None
        except anthropic.APITimeoutError:
            raise ModelFault("transient", "timed out waiting for the endpoint") from None
        except anthropic.APIConnectionError as exc:
            cause = redact(str(exc.__cause__ or exc), (self._key,))
            raise ModelFault("transient", f"connection failed: {cause}") from None
        except (json.JSONDecodeError, anthropic.APIResponseValidationError) as exc:
            detail = redact(f"unparseable response body: {exc}", (self._key,))
            raise ModelFault("transient", detail) from None
        if not isinstance(message, AnthropicMessage):
            raise ModelFault("transient", "response body is not a message")
        try:
            return self._reply(message, len(raw.http_response.content), time.monotonic() - start)
        except SHAPE_ERRORS as exc:
            raise wrong_shape(exc, (self._key,)) from None

    def _reply(self, message: AnthropicMessage, nbytes: int, latency_s: float) -> Reply:
        texts: list[str] = []
        calls: list[ToolCall] = []
        for block in message.content:
            if block.type == "text":
                texts.append(block.text)
            elif block.type == "tool_use":
                calls.append(ToolCall.from_arguments(block.id, block.name, block.input))
        u = message.usage
        cached = u.cache_read_input_tokens or 0
        usage = Usage(
            prompt=u.input_tokens + cached + (u.cache_creation_input_tokens or 0),
            completion=u.output_tokens,
            cached=cached,
        )
        text, clipped = clip_text("".join(texts))
        finish = FINISH.get(message.stop_reason or "", "other")
        return Reply(
            text=text,
            tool_calls=tuple(calls),
            finish_reason="tool_calls" if calls and finish == "stop" else finish,
            usage=usage,
            latency_s=latency_s,
            cost_usd=cost_of(self._prices, self.name, usage),
            model=message.model or self.model,
            raw_bytes=nbytes,
            clipped=clipped,
        )
