"""Any OpenAI-compatible chat-completions endpoint, through the official ``openai`` SDK.

Hosted OpenAI, Ollama, vLLM, llama.cpp server, LM Studio and ``assay serve`` all speak it.
The SDK's own retries are off: ``Retrier`` owns retries, so every try is reported. With
``stream=True`` the reply is assembled from server-sent events; a stream that ends without
a finish reason is a transient fault (retried), never a short reply.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
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
from assay.models.types import (
    FinishReason,
    Message,
    Reply,
    Request,
    ToolCall,
    Usage,
    clip_text,
)

if TYPE_CHECKING:
    from openai.types import CompletionUsage
    from openai.types.chat import ChatCompletion

TASK_HEADER = "X-Assay-Task"
KEY_VARIABLES = ("OPENAI_API_KEY",)
FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "length": "length",
    "content_filter": "content_filter",
}


def wire_message(m: Message) -> dict[str, Any]:
    """Return a message in chat-completions form (tool results as ``role: tool``)."""
    if m.role == "tool":
        return {"role": "tool", "tool_call_id": m.tool_call_id or "", "content": m.content}
    if m.role == "assistant" and m.tool_calls:
        return {
            "role": "assistant",
            "content": m.content or None,
            "tool_calls": [
                {
                    "id": c.id,
                    "type": "function",
                    "function": {"name": c.name, "arguments": c.raw_arguments},
                }
                for c in m.tool_calls
            ],
        }
    return {"role": m.role, "content": m.content}


def finish_reason(raw: str | None, has_calls: bool) -> FinishReason:
    """Normalize a finish reason; some servers say ``stop`` after tool calls."""
    reason = FINISH.get(raw or "", "other")
    return "tool_calls" if has_calls and reason in ("stop", "other") else reason


def _usage(usage: CompletionUsage | None) -> Usage:
    if usage is None:
        return Usage()
    details = usage.prompt_tokens_details
    cached = (details.cached_tokens or 0) if details else 0
    # int(): the SDK does not check the body, and a token count that is no number must fail
    # here (a wrong-shape fault), not later in the agent's sums.
    return Usage(
        prompt=int(usage.prompt_tokens or 0),
        completion=int(usage.completion_tokens or 0),
        cached=int(cached),
    )


@dataclass
class _CallSlot:
    """A tool call being assembled from stream deltas."""

    id: str = ""
    name: str = ""
    arguments: list[str] = field(default_factory=list)


class OpenAIModel:
    """A chat-completions model; thread-safe (the SDK client is)."""

    supports_tools = True

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        provider: str = "openai",
        stream: bool = False,
        timeout_s: float = 600.0,
        price_table: PriceTable | None = None,
        retrier: Retrier | None = None,
    ) -> None:
        try:
            import openai
        except ImportError:
            raise sdk_missing(provider, "openai") from None
        self.name = f"{provider}:{model}"
        self.model = model
        self.stream = stream
        self._key = api_key(KEY_VARIABLES, base_url, self.name)
        self._client = openai.OpenAI(
            api_key=self._key, base_url=base_url, max_retries=0, timeout=timeout_s
        )
        # Hosted OpenAI wants max_completion_tokens; compatible servers know max_tokens.
        self._max_key = "max_completion_tokens" if base_url is None else "max_tokens"
        self._prices = price_table
        self._retrier = retrier or Retrier()

    def generate(self, request: Request) -> Reply:
        """Call the endpoint, retrying transient faults."""
        key = f"{self.name}:{request.conversation}"
        return self._retrier.run(lambda: self._once(request), key=key)

    def _params(self, request: Request) -> dict[str, Any]:
        params: dict[str, Any] = {
            "model": self.model,
            "messages": [wire_message(m) for m in request.messages],
        }
        if request.tools:
            params["tools"] = [
                {
                    "type": "function",
                    "function": {
                        "name": t.name,
                        "description": t.description,
                        "parameters": t.parameters,
                    },
                }
                for t in request.tools
            ]
        if request.temperature is not None:
            params["temperature"] = request.temperature
        if request.max_tokens is not None:
            params[self._max_key] = request.max_tokens
        if request.seed is not None:
            params["seed"] = request.seed
        if request.task_id != "*":
            params["extra_headers"] = {TASK_HEADER: request.task_id}
        return params

    def _once(self, request: Request) -> Reply:
        import openai
        from openai.types.chat import ChatCompletion

        start = time.monotonic()
        try:
            if self.stream:
                return self._streamed(request, start)
            raw = self._client.chat.completions.with_raw_response.create(**self._params(request))
            completion = raw.parse()
            if not isinstance(completion, ChatCompletion):
                raise ModelFault("transient", "response body is not a chat completion")
            return self._reply(completion, len(raw.http_response.content), time.monotonic() - start)
        except openai.APIStatusError as exc:
            detail = self._scrub(f"{exc.message}")
            raise status_fault(exc.status_code, detail, exc.response.headers) from None
        except openai.APITimeoutError:
            raise ModelFault("transient", "timed out waiting for the endpoint") from None
        except openai.APIConnectionError as exc:
            cause = self._scrub(str(exc.__cause__ or exc))
            raise ModelFault("transient", f"connection failed: {cause}") from None
        except (json.JSONDecodeError, openai.APIResponseValidationError) as exc:
            detail = self._scrub(f"unparseable response body: {exc}")
            raise ModelFault("transient", detail) from None
        except SHAPE_ERRORS as exc:
            raise wrong_shape(exc, (self._key,)) from None

    def _reply(self, completion: ChatCompletion, nbytes: int, latency_s: float) -> Reply:
        if not completion.choices:
            raise ModelFault("transient", "response has no choices")
        choice = completion.choices[0]
        message = choice.message
        calls = tuple(
            ToolCall.from_text(c.id, c.function.name, c.function.arguments or "")
            for c in message.tool_calls or ()
            if c.type == "function"
        )
        return self._finish(
            text=message.content or "",
            calls=calls,
            finish=finish_reason(choice.finish_reason, bool(calls)),
            usage=_usage(completion.usage),
            latency_s=latency_s,
            model=completion.model or self.model,
            nbytes=nbytes,
        )

    def _streamed(self, request: Request, start: float) -> Reply:
        stream = self._client.chat.completions.create(
            **self._params(request), stream=True, stream_options={"include_usage": True}
        )
        parts: list[str] = []
        slots: dict[int, _CallSlot] = {}
        finish: str | None = None
        usage = Usage()
        model = self.model
        with stream:
            for chunk in stream:
                model = chunk.model or model
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                for choice in chunk.choices:
                    if choice.index != 0:
                        continue
                    parts.append(choice.delta.content or "")
                    for piece in choice.delta.tool_calls or ():
                        slot = slots.setdefault(piece.index, _CallSlot())
                        slot.id = piece.id or slot.id
                        if piece.function is not None:
                            slot.name = piece.function.name or slot.name
                            slot.arguments.append(piece.function.arguments or "")
                    finish = choice.finish_reason or finish
            nbytes = stream.response.num_bytes_downloaded
        if finish is None:
            raise ModelFault("transient", "stream ended before a finish reason")
        calls = tuple(
            ToolCall.from_text(slot.id or f"call_{i}", slot.name, "".join(slot.arguments))
            for i, slot in sorted(slots.items())
        )
        return self._finish(
            text="".join(parts),
            calls=calls,
            finish=finish_reason(finish, bool(calls)),
            usage=usage,
            latency_s=time.monotonic() - start,
            model=model,
            nbytes=nbytes,
        )

    def _finish(
        self,
        *,
        text: str,
        calls: tuple[ToolCall, ...],
        finish: FinishReason,
        usage: Usage,
        latency_s: float,
        model: str,
        nbytes: int,
    ) -> Reply:
        clipped_text, clipped = clip_text(text)
        return Reply(
            text=clipped_text,
            tool_calls=calls,
            finish_reason=finish,
            usage=usage,
            latency_s=latency_s,
            cost_usd=cost_of(self._prices, self.name, usage),
            model=model,
            raw_bytes=nbytes,
            clipped=clipped,
        )

    def _scrub(self, text: str) -> str:
        return redact(text, (self._key,))
