"""A reply of the wrong shape is a model fault for every provider, never a harness error.

Issue 19, item 15: an Anthropic reply of the wrong shape was recorded as
``infrastructure: TypeError``; the SDKs build responses without validating them, so any
provider could raise the same way.
"""

from __future__ import annotations

from typing import Any

import pytest

from assay.models import Message, ModelFault, Request, RetryPolicy, load_model
from tests.support.loopback_http import Answer, loopback

FAST = RetryPolicy(base_delay_s=0.01, max_delay_s=0.05)
REQUEST = Request(messages=(Message("user", "hi"),))
CHAT = {
    "id": "c1",
    "object": "chat.completion",
    "created": 0,
    "model": "m",
    "choices": [
        {"index": 0, "message": {"role": "assistant", "content": "hi"}, "finish_reason": "stop"}
    ],
}
GEMINI = {
    "candidates": [
        {"content": {"role": "model", "parts": [{"text": "hi"}]}, "finishReason": "STOP"}
    ],
    "modelVersion": "g",
}


@pytest.fixture(autouse=True)
def keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GEMINI_API_KEY", "test-gemini-key")


def _fault(spec: str, body: Any) -> ModelFault:
    with (
        loopback(lambda seen, n: Answer(200, body)) as (url, sent),
        pytest.raises(ModelFault) as err,
    ):
        load_model(spec.format(url=url), retry=FAST).generate(REQUEST)
    assert len(sent) == FAST.max_tries  # a shape error is worth retrying, like a cut body
    return err.value


@pytest.mark.parametrize(
    "body",
    [
        {"result": [1, 2, 3]},
        {**CHAT, "choices": "none"},
        {**CHAT, "choices": [{"index": 0, "message": "text", "finish_reason": "stop"}]},
        {**CHAT, "choices": [{"index": 0, "finish_reason": "stop"}]},
        {**CHAT, "usage": {"prompt_tokens": "many", "completion_tokens": 1}},
        [1, 2],
    ],
)
def test_openai_wrong_shape(body: Any) -> None:
    fault = _fault("openai:m@{url}/v1", body)
    assert fault.kind == "exhausted", fault


@pytest.mark.parametrize(
    "body",
    [
        {**GEMINI, "candidates": [{"content": "text"}]},
        {**GEMINI, "usageMetadata": {"promptTokenCount": "many"}},
    ],
)
def test_gemini_wrong_shape(body: Any) -> None:
    # The Gemini SDK reads a body without candidates (or a list) as a blocked prompt:
    # nothing at this level tells those apart from a real one, so they are not listed here.
    fault = _fault("gemini:g@{url}", body)
    assert fault.kind == "exhausted", fault
