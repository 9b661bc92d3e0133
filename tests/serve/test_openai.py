"""The openai provider against ``assay serve`` run in process: the wire, tools, faults, retries."""

from __future__ import annotations

import dataclasses
import json
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from assay.models import (
    Message,
    Model,
    ModelFault,
    Reply,
    Request,
    RetryPolicy,
    ToolSpec,
    TryReport,
    load_model,
)
from assay.models.script_format import Script
from assay.models.scripted import ScriptedModel
from assay.models.types import MAX_REPLY_CHARS
from assay.serve import RunningServer, start_server
from tests.support.loopback_http import Answer, Seen, loopback

FAST = RetryPolicy(base_delay_s=0.01, max_delay_s=0.05, max_total_wait_s=2.0)
WRITE = ToolSpec(
    "write_file",
    "Write a file in the workspace.",
    {
        "type": "object",
        "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
        "required": ["path", "content"],
    },
)
TOOL_TURNS = [
    {
        "text": "Writing it.",
        "tool_calls": [{"name": "write_file", "arguments": {"path": "a.py", "content": "x = 1\n"}}],
    },
    {"text": "Done: a.py written."},
]


def script(tasks: dict[str, Any]) -> Script:
    return Script.model_validate({"schema": "assay.script.v1", "model": "fake", "tasks": tasks})


@contextmanager
def served(tasks: dict[str, Any]) -> Iterator[RunningServer]:
    with start_server(script(tasks)) as running:
        yield running


def model(
    running: RunningServer,
    *,
    stream: bool = False,
    tries: list[TryReport] | None = None,
    policy: RetryPolicy = FAST,
    timeout_s: float = 10.0,
) -> Model:
    return load_model(
        f"openai:fake-model@{running.base_url}",
        stream=stream,
        retry=policy,
        on_try=None if tries is None else tries.append,
        timeout_s=timeout_s,
    )


def ask(task: str = "t1", *extra: Message) -> Request:
    return Request(
        messages=(Message("system", "You edit files."), Message("user", "write a.py"), *extra),
        tools=(WRITE,),
        metadata={"task_id": task},
    )


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_tool_calls_round_trip(stream: bool) -> None:
    with served({"t1": TOOL_TURNS}) as running:
        m = model(running, stream=stream)
        first = m.generate(ask())
        assert first.text == "Writing it." and first.finish_reason == "tool_calls"
        (call,) = first.tool_calls
        assert (call.id, call.name, call.arguments) == (
            "call_0_0",
            "write_file",
            {"path": "a.py", "content": "x = 1\n"},
        )
        assert call.arguments_error is None
        second = m.generate(
            ask(
                "t1",
                Message("assistant", first.text, tool_calls=first.tool_calls),
                Message("tool", "wrote 6 bytes", tool_call_id=call.id, name=call.name),
            )
        )
        assert second.text == "Done: a.py written." and second.finish_reason == "stop"
        assert second.tool_calls == () and second.attempts == 1
        assert second.raw_bytes > 0 and second.latency_s > 0 and second.model == "fake-model"
        sent = running.server.requests[-1]["body"]
        assert sent["tools"][0]["function"] == {
            "name": "write_file",
            "description": WRITE.description,
            "parameters": WRITE.parameters,
        }
        assistant, tool = sent["messages"][2], sent["messages"][3]
        assert assistant["tool_calls"][0]["id"] == "call_0_0"
        assert json.loads(assistant["tool_calls"][0]["function"]["arguments"]) == call.arguments
        assert tool == {"role": "tool", "tool_call_id": "call_0_0", "content": "wrote 6 bytes"}
        assert running.server.requests[-1]["stream"] is stream


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_wire_replies_match_in_process_replay(stream: bool) -> None:
    """The fake server and the scripted model are one behaviour: same text, calls and usage."""
    local = ScriptedModel(script({"t1": TOOL_TURNS}))
    with served({"t1": TOOL_TURNS}) as running:
        wire = model(running, stream=stream).generate(ask())
    replay = local.generate(ask())
    assert (wire.text, wire.tool_calls, wire.finish_reason, wire.usage) == (
        replay.text,
        replay.tool_calls,
        replay.finish_reason,
        replay.usage,
    )
    assert wire.usage.prompt > 0 and wire.usage.completion > 0


def test_task_from_user_field_and_default() -> None:
    import openai

    with served({"t2": [{"text": "for t2"}], "*": [{"text": "default"}]}) as running:
        client = openai.OpenAI(base_url=running.base_url, api_key="x", max_retries=0)
        chat = client.chat.completions
        hi = [{"role": "user", "content": "hi"}]
        assert chat.create(model="m", messages=hi, user="t2").choices[0].message.content == "for t2"  # type: ignore[arg-type]
        assert chat.create(model="m", messages=hi).choices[0].message.content == "default"  # type: ignore[arg-type]
        assert [m.id for m in client.models.list()] == ["fake"]


def test_500_500_ok_succeeds_with_three_attempts() -> None:
    tries: list[TryReport] = []
    with served({"t1": [{"faults": ["http_500", "http_500"], "text": "ok"}]}) as running:
        reply = model(running, tries=tries).generate(ask())
    assert reply.text == "ok" and reply.attempts == 3
    assert [(t.attempt, t.ok, t.kind, t.status) for t in tries] == [
        (1, False, "transient", 500),
        (2, False, "transient", 500),
        (3, True, None, None),
    ]


def test_storm_of_500s_ends_within_the_wait_cap() -> None:
    policy = RetryPolicy(max_tries=1000, base_delay_s=0.02, max_delay_s=0.05, max_total_wait_s=0.3)
    tries: list[TryReport] = []
    with served({"t1": [{"faults": ["http_500"] * 1000, "text": "never"}]}) as running:
        start = time.monotonic()
        with pytest.raises(ModelFault) as err:
            model(running, tries=tries, policy=policy).generate(ask())
        elapsed = time.monotonic() - start
    assert err.value.kind == "exhausted" and err.value.status == 500
    assert err.value.attempts == len(tries) > 3
    assert sum(t.wait_s for t in tries) == pytest.approx(0.3)
    # Bounded by count: each wait is at least 0.02 x (1 - jitter) s, so the 0.3 s cap allows
    # at most 0.3 / 0.015 = 20 waits, never the thousand tries the policy would allow.
    assert len(tries) <= 21
    assert elapsed < 1000 * policy.base_delay_s  # and never the time a thousand waits take


def test_429_retry_after_is_honoured() -> None:
    tries: list[TryReport] = []
    fault = {"kind": "http", "status": 429, "retry_after_s": 0.25}
    with served({"t1": [{"faults": [fault], "text": "ok"}]}) as running:
        start = time.monotonic()
        reply = model(running, tries=tries).generate(ask())
        elapsed = time.monotonic() - start
    assert reply.attempts == 2 and tries[0].status == 429
    assert tries[0].wait_s == 0.25 and elapsed >= 0.25


def test_dead_endpoint_is_a_fault_quickly() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    tries: list[TryReport] = []
    dead = load_model(f"openai:m@http://127.0.0.1:{port}/v1", retry=FAST, on_try=tries.append)
    with pytest.raises(ModelFault) as err:
        dead.generate(ask())
    assert err.value.kind == "exhausted" and err.value.attempts == FAST.max_tries
    # "Quickly", by count: every try was refused at once and the waits stayed in the policy's
    # small backoff; no try waited for the default 600 s call timeout.
    assert sum(t.wait_s for t in tries) <= FAST.max_tries * FAST.max_delay_s * (1 + FAST.jitter)
    assert all(t.latency_s < 60 for t in tries)
    assert "connection failed" in err.value.detail and err.value.status is None


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_ten_megabyte_reply_is_clipped_and_recorded(stream: bool) -> None:
    with served({"t1": [{"text": "huge", "pad_to_bytes": 10_000_000}]}) as running:
        reply = model(running, stream=stream).generate(ask())
    assert reply.clipped and len(reply.text) < MAX_REPLY_CHARS + 200
    assert reply.raw_bytes > 10_000_000


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_garbage_body_is_a_fault(stream: bool) -> None:
    tries: list[TryReport] = []
    with (
        served({"t1": [{"faults": ["garbage"] * 10, "text": "never"}]}) as running,
        pytest.raises(ModelFault) as err,
    ):
        model(running, stream=stream, tries=tries).generate(ask())
    assert err.value.kind == "exhausted" and "unparseable" in err.value.detail
    assert len(tries) == FAST.max_tries


@pytest.mark.parametrize(
    ("fault", "stream", "words"),
    [
        ("stream_cut", True, "stream ended before a finish reason"),
        ("stream_cut", False, "connection failed"),
        ("disconnect", False, "connection failed"),
        ("disconnect", True, "connection failed"),
        ({"kind": "timeout", "delay_s": 5}, False, "timed out"),
    ],
)
def test_transport_faults_are_retried(fault: Any, stream: bool, words: str) -> None:
    tries: list[TryReport] = []
    with served({"t1": [{"faults": [fault], "text": "recovered"}]}) as running:
        start = time.monotonic()
        reply = model(running, stream=stream, tries=tries, timeout_s=0.5).generate(ask())
        elapsed = time.monotonic() - start
    assert reply.text == "recovered" and reply.attempts == 2
    assert words in tries[0].detail
    # The margin is the hang itself: a client that waited out the 5 s delay took longer.
    assert elapsed < 5.0


def test_bad_request_is_permanent() -> None:
    with (
        served({"t1": [{"faults": ["http_400"], "text": "ok"}]}) as running,
        pytest.raises(ModelFault) as err,
    ):
        model(running).generate(ask())
    assert err.value.kind == "permanent" and err.value.attempts == 1 and err.value.status == 400


def test_server_refuses_bad_routes_and_bodies() -> None:
    with served({"*": [{"text": "hi"}]}) as running:
        root = running.base_url.removesuffix("/v1")
        for path, data, status in [("/v1/nope", b"{}", 404), ("/v1/chat/completions", b"[1]", 400)]:
            with pytest.raises(urllib.error.HTTPError) as err:
                urllib.request.urlopen(urllib.request.Request(root + path, data=data), timeout=5)
            assert err.value.code == status


def test_no_key_in_replies_faults_or_server_log(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-test-SECRET123"
    monkeypatch.setenv("OPENAI_API_KEY", secret)

    def echo_key(seen: Seen, n: int) -> Answer:
        return Answer(
            401, {"error": {"message": f"Incorrect API key: {seen.headers['authorization']}"}}
        )

    with loopback(echo_key) as (url, sent), pytest.raises(ModelFault) as err:
        load_model(f"openai:m@{url}/v1", retry=FAST).generate(ask())
    assert sent[0].headers["authorization"] == f"Bearer {secret}"  # the key was really used
    assert err.value.kind == "permanent"
    assert secret not in repr(err.value) and secret not in str(err.value)
    assert "[redacted]" in err.value.detail

    with served({"t1": TOOL_TURNS}) as running:
        reply: Reply = model(running).generate(ask())
        log = json.dumps(list(running.server.requests))
    assert secret not in repr(reply) and secret not in repr(dataclasses.asdict(reply))
    assert secret not in log
