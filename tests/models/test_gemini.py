"""The Gemini provider against a loopback server speaking the generateContent wire format."""

from __future__ import annotations

import base64
import re
from typing import Any

import pytest

from assay.models import Message, ModelFault, Request, RetryPolicy, ToolSpec, TryReport, load_model
from assay.models.gemini_provider import MADE_ID
from tests.support.loopback_http import Answer, Seen, loopback

SECRET = "sk-test-SECRET123"
FAST = RetryPolicy(base_delay_s=0.01, max_delay_s=0.05)
TOOL = ToolSpec(
    "write_file", "Write a file.", {"type": "object", "properties": {"path": {"type": "string"}}}
)
SIGNATURE = base64.b64encode(b"opaque-thought").decode()
# The SDK's default API version is v1; the Gemini CLI and older SDKs use v1beta.
ROUTE = re.compile(r"^/v1(beta)?/models/gemini-test:generateContent$")
CALL_REPLY = {
    "candidates": [
        {
            "content": {
                "role": "model",
                "parts": [
                    {"text": "Writing."},
                    {
                        "functionCall": {"name": "write_file", "args": {"path": "a.py"}},
                        "thoughtSignature": SIGNATURE,
                    },
                ],
            },
            "finishReason": "STOP",
        }
    ],
    "usageMetadata": {
        "promptTokenCount": 40,
        "candidatesTokenCount": 6,
        "thoughtsTokenCount": 4,
        "cachedContentTokenCount": 12,
        "totalTokenCount": 50,
    },
    "modelVersion": "gemini-test-001",
}
TEXT_REPLY = {
    "candidates": [
        {"content": {"role": "model", "parts": [{"text": "Done."}]}, "finishReason": "STOP"}
    ],
    "usageMetadata": {"promptTokenCount": 60, "candidatesTokenCount": 1, "totalTokenCount": 61},
}


@pytest.fixture(autouse=True)
def fake_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_API_KEY", raising=False)
    monkeypatch.setenv("GEMINI_API_KEY", SECRET)


def answer(body: dict[str, Any]) -> Any:
    def respond(seen: Seen, n: int) -> Answer:
        if not ROUTE.match(seen.path):
            return Answer(
                404,
                {"error": {"code": 404, "message": f"no route {seen.path}", "status": "NOT_FOUND"}},
            )
        return Answer(200, body)

    return respond


def ask(*extra: Message) -> Request:
    return Request(
        messages=(Message("system", "You edit files."), Message("user", "write a.py"), *extra),
        tools=(TOOL,),
        temperature=0.0,
        max_tokens=128,
        seed=7,
        metadata={"task_id": "t1"},
    )


def test_generate_content_wire_both_ways() -> None:
    with loopback(answer(CALL_REPLY)) as (url, sent):
        model = load_model(f"gemini:gemini-test@{url}")
        first = model.generate(ask())
        (call,) = first.tool_calls
        second = model.generate(
            ask(
                Message("assistant", first.text, tool_calls=first.tool_calls),
                Message("tool", "wrote a.py", tool_call_id=call.id),  # name found from the call
            )
        )
    assert first.text == "Writing." and first.finish_reason == "tool_calls"
    assert call.name == "write_file" and call.arguments == {"path": "a.py"}
    assert call.id.startswith(MADE_ID) and call.signature == SIGNATURE
    assert (first.usage.prompt, first.usage.completion, first.usage.cached) == (40, 10, 12)
    assert first.model == "gemini-test-001" and first.raw_bytes > 100 and first.cost_usd is None
    assert second.attempts == 1

    request = sent[1]
    assert request.headers["x-goog-api-key"] == SECRET
    body: dict[str, Any] = request.body
    assert body["systemInstruction"]["parts"] == [{"text": "You edit files."}]
    (declaration,) = body["tools"][0]["functionDeclarations"]
    assert declaration["name"] == "write_file" and declaration["description"] == "Write a file."
    schema = declaration.get("parametersJsonSchema", declaration.get("parameters_json_schema"))
    assert schema == TOOL.parameters
    assert body["generationConfig"] == {"temperature": 0.0, "maxOutputTokens": 128, "seed": 7}
    user, model_turn, result = body["contents"]
    assert user == {"role": "user", "parts": [{"text": "write a.py"}]}
    assert model_turn["role"] == "model"
    call_part = model_turn["parts"][1]
    assert call_part["functionCall"] == {
        "name": "write_file",
        "args": {"path": "a.py"},
    }  # made-up id not sent
    assert call_part["thoughtSignature"] == SIGNATURE
    assert result["role"] == "user"
    assert result["parts"] == [
        {"functionResponse": {"name": "write_file", "response": {"result": "wrote a.py"}}}
    ]


def test_text_reply() -> None:
    with loopback(answer(TEXT_REPLY)) as (url, _):
        reply = load_model(f"gemini:gemini-test@{url}").generate(ask())
    assert reply.text == "Done." and reply.tool_calls == () and reply.finish_reason == "stop"
    assert (reply.usage.prompt, reply.usage.completion, reply.usage.cached) == (60, 1, 0)


def test_unavailable_then_ok_is_retried() -> None:
    def flaky(seen: Seen, n: int) -> Answer:
        if n < 2:
            return Answer(
                503, {"error": {"code": 503, "message": "overloaded", "status": "UNAVAILABLE"}}
            )
        return Answer(200, TEXT_REPLY)

    tries: list[TryReport] = []
    with loopback(flaky) as (url, _):
        reply = load_model(f"gemini:gemini-test@{url}", retry=FAST, on_try=tries.append).generate(
            ask()
        )
    assert reply.attempts == 3 and [t.status for t in tries] == [503, 503, None]


def test_bad_request_is_permanent_and_never_shows_the_key() -> None:
    def reject(seen: Seen, n: int) -> Answer:
        message = f"API key {seen.headers['x-goog-api-key']} not valid"
        return Answer(
            400, {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}
        )

    with loopback(reject) as (url, sent), pytest.raises(ModelFault) as err:
        load_model(f"gemini:gemini-test@{url}", retry=FAST).generate(ask())
    assert len(sent) == 1 and err.value.kind == "permanent" and err.value.status == 400
    assert SECRET not in repr(err.value) and SECRET not in str(err.value)


def test_garbage_body_is_a_fault() -> None:
    with (
        loopback(lambda seen, n: Answer(200, b"<html>oops")) as (url, sent),
        pytest.raises(ModelFault) as err,
    ):
        load_model(f"gemini:gemini-test@{url}", retry=FAST).generate(ask())
    assert err.value.kind == "exhausted" and len(sent) == FAST.max_tries
