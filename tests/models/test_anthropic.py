"""The Anthropic provider against a loopback server speaking the Messages API wire format."""

from __future__ import annotations

from typing import Any

import pytest

from assay.models import (
    Message,
    ModelFault,
    Request,
    RetryPolicy,
    ToolCall,
    ToolSpec,
    TryReport,
    load_model,
)
from assay.models.pricing import PriceTable
from tests.support.loopback_http import Answer, Seen, loopback

SECRET = "sk-test-SECRET123"
FAST = RetryPolicy(base_delay_s=0.01, max_delay_s=0.05)
TOOL = ToolSpec(
    "write_file", "Write a file.", {"type": "object", "properties": {"path": {"type": "string"}}}
)
TOOL_USE_REPLY = {
    "id": "msg_01",
    "type": "message",
    "role": "assistant",
    "model": "claude-test-1",
    "content": [
        {"type": "text", "text": "I will write it."},
        {"type": "tool_use", "id": "toolu_01", "name": "write_file", "input": {"path": "a.py"}},
    ],
    "stop_reason": "tool_use",
    "stop_sequence": None,
    "usage": {
        "input_tokens": 10,
        "output_tokens": 7,
        "cache_read_input_tokens": 30,
        "cache_creation_input_tokens": 5,
    },
}
TEXT_REPLY = {
    **TOOL_USE_REPLY,
    "content": [{"type": "text", "text": "Done."}],
    "stop_reason": "end_turn",
    "usage": {"input_tokens": 50, "output_tokens": 2},
}


@pytest.fixture(autouse=True)
def fake_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)


def conversation() -> Request:
    call = ToolCall.from_arguments("toolu_00", "write_file", {"path": "old.py"})
    return Request(
        messages=(
            Message("system", "You edit files."),
            Message("user", "write a.py"),
            Message("assistant", "First, old.py.", tool_calls=(call,)),
            Message("tool", "wrote old.py", tool_call_id="toolu_00", name="write_file"),
            Message("user", "now a.py"),
        ),
        tools=(TOOL,),
        max_tokens=256,
        metadata={"task_id": "t1"},
    )


def test_messages_wire_both_ways() -> None:
    prices = PriceTable.from_dict(
        {"models": {"claude-test": {"input": 3.0, "output": 15.0, "cached_input": 0.3}}}
    )
    with loopback(lambda seen, n: Answer(200, TOOL_USE_REPLY)) as (url, sent):
        model = load_model(f"anthropic:claude-test@{url}", price_table=prices)
        reply = model.generate(conversation())
    (request,) = sent
    assert request.path.startswith("/v1/messages")
    assert SECRET in (
        request.headers.get("x-api-key", "") + request.headers.get("authorization", "")
    )
    body: dict[str, Any] = request.body
    assert body["model"] == "claude-test" and body["max_tokens"] == 256
    assert body["system"] == "You edit files."
    assert body["tools"] == [
        {"name": "write_file", "description": "Write a file.", "input_schema": TOOL.parameters}
    ]
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert body["messages"][1]["content"] == [
        {"type": "text", "text": "First, old.py."},
        {"type": "tool_use", "id": "toolu_00", "name": "write_file", "input": {"path": "old.py"}},
    ]
    assert body["messages"][2]["content"] == [  # the tool result and the next user text, merged
        {"type": "tool_result", "tool_use_id": "toolu_00", "content": "wrote old.py"},
        {"type": "text", "text": "now a.py"},
    ]

    assert reply.text == "I will write it." and reply.finish_reason == "tool_calls"
    (call,) = reply.tool_calls
    assert (call.id, call.name, call.arguments) == ("toolu_01", "write_file", {"path": "a.py"})
    assert (reply.usage.prompt, reply.usage.completion, reply.usage.cached) == (45, 7, 30)
    assert reply.cost_usd == pytest.approx((15 * 3.0 + 30 * 0.3 + 7 * 15.0) / 1e6)
    assert reply.model == "claude-test-1" and reply.raw_bytes > 100


def test_text_reply_and_unpriced_cost() -> None:
    with loopback(lambda seen, n: Answer(200, TEXT_REPLY)) as (url, _):
        reply = load_model(f"anthropic:claude-test@{url}").generate(conversation())
    assert reply.text == "Done." and reply.tool_calls == () and reply.finish_reason == "stop"
    assert reply.cost_usd is None


def test_overloaded_then_rate_limited_then_ok() -> None:
    def flaky(seen: Seen, n: int) -> Answer:
        if n == 0:
            return Answer(
                529, {"type": "error", "error": {"type": "overloaded_error", "message": "busy"}}
            )
        if n == 1:
            error = {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}
            return Answer(429, error, {"retry-after": "0.1"})
        return Answer(200, TEXT_REPLY)

    tries: list[TryReport] = []
    with loopback(flaky) as (url, _):
        reply = load_model(f"anthropic:c@{url}", retry=FAST, on_try=tries.append).generate(
            conversation()
        )
    assert reply.attempts == 3
    assert [t.status for t in tries] == [529, 429, None] and tries[1].wait_s == 0.1


def test_auth_error_is_permanent_and_never_shows_the_key() -> None:
    def deny(seen: Seen, n: int) -> Answer:
        echoed = seen.headers.get("x-api-key") or seen.headers.get("authorization")
        error = {
            "type": "error",
            "error": {"type": "authentication_error", "message": f"bad key {echoed}"},
        }
        return Answer(401, error)

    with loopback(deny) as (url, sent), pytest.raises(ModelFault) as err:
        load_model(f"anthropic:c@{url}", retry=FAST).generate(conversation())
    assert len(sent) == 1 and err.value.kind == "permanent" and err.value.status == 401
    assert SECRET not in repr(err.value) and SECRET not in str(err.value)


def test_garbage_body_is_a_fault() -> None:
    with (
        loopback(lambda seen, n: Answer(200, b"<html>oops")) as (url, sent),
        pytest.raises(ModelFault) as err,
    ):
        load_model(f"anthropic:c@{url}", retry=FAST).generate(conversation())
    assert err.value.kind == "exhausted" and len(sent) == FAST.max_tries
    assert SECRET not in repr(err.value)


@pytest.mark.parametrize(
    "body",
    [
        {**TEXT_REPLY, "content": "just a string"},
        {**TEXT_REPLY, "content": [{"type": "text"}]},
        {**TEXT_REPLY, "usage": None},
        {**TEXT_REPLY, "usage": {"input_tokens": "many"}},
        {"type": "message"},
        [1, 2, 3],
    ],
)
def test_a_reply_of_the_wrong_shape_is_a_model_fault(body: Any) -> None:
    # Issue 19, item 15: this was recorded as "infrastructure: TypeError".
    with (
        loopback(lambda seen, n: Answer(200, body)) as (url, sent),
        pytest.raises(ModelFault) as err,
    ):
        load_model(f"anthropic:c@{url}", retry=FAST).generate(conversation())
    assert err.value.kind == "exhausted" and len(sent) == FAST.max_tries
