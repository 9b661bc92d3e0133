"""The recording proxy between clients (the vendors' SDKs, a real agent CLI) and a loopback
upstream (``assay serve``): everything passes through, streams included, and every call is
recorded with its model, tokens, latency, tool calls and status — never with its key."""

from __future__ import annotations

import json
import socket
import tempfile
from pathlib import Path
from typing import Any

import pytest

from assay.agents.external.base import CliConfig
from assay.agents.external.registry import ADAPTERS
from assay.agents.external.session import CliArm
from assay.agents.external.smoke import PROMPT, SMOKE_FILE, SMOKE_TEXT, smoke_script
from assay.models.script_format import Script
from assay.models.spec import load_model
from assay.serve import Mapping, ServeOptions, start_server
from assay.serve.proxy import Upstream, start_proxy
from tests.support.cli_agents import ensure_installed
from tests.support.loopback_http import Answer, Seen, loopback

SECRET = "sk-live-SECRET-4242"
TURNS = [{"text": "Writing.", "action": {"write": {"path": "a.py", "content": "x = 1\n"}}}]
CHAT_TOOL = {
    "type": "function",
    "function": {
        "name": "write",
        "parameters": {
            "type": "object",
            "properties": {"path": {"type": "string"}, "content": {"type": "string"}},
            "required": ["path", "content"],
        },
    },
}


def upstream_script() -> Script:
    return Script.model_validate(
        {"schema": "assay.script.v1", "model": "up", "tasks": {"*": TURNS}}
    )


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_chat_passes_through_and_is_recorded(stream: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    import openai

    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with (
        start_server(upstream_script()) as up,
        start_proxy(Upstream(up.root_url, "bearer", ("OPENAI_API_KEY",))) as proxy,
    ):
        client = openai.OpenAI(base_url=proxy.root_url + "/v1", api_key="dummy", max_retries=0)
        ask: Any = {
            "model": "m",
            "messages": [{"role": "user", "content": "go"}],
            "tools": [CHAT_TOOL],
        }
        if stream:
            chunks = list(
                client.chat.completions.create(
                    **ask, stream=True, stream_options={"include_usage": True}
                )
            )
            names = [
                c.function.name
                for ch in chunks
                if ch.choices
                for c in (ch.choices[0].delta.tool_calls or [])
                if c.function and c.function.name
            ]
        else:
            reply = client.chat.completions.create(**ask)
            names = [c.function.name for c in reply.choices[0].message.tool_calls or []]  # type: ignore[union-attr]
        proxy.server.settle()
        (served,) = up.server.calls
        (record,) = proxy.server.calls
    assert names == ["write"]
    assert record["dialect"] == "chat" and record["status"] == 200 and record["stream"] is stream
    assert record["tool_calls"] == ["write"] and record["model"] == "m"
    assert (record["prompt_tokens"], record["completion_tokens"]) == (
        served["prompt_tokens"],
        served["completion_tokens"],
    )
    assert record["latency_s"] >= record["ttfb_s"] > 0
    assert SECRET not in json.dumps(proxy.server.calls)


def test_responses_anthropic_and_gemini_streams_are_recorded() -> None:
    import anthropic
    import openai
    from google import genai
    from google.genai import types

    with start_server(upstream_script()) as up, start_proxy(Upstream(up.root_url, "none")) as proxy:
        oa = openai.OpenAI(base_url=proxy.root_url + "/v1", api_key="dummy", max_retries=0)
        tool: Any = {
            "type": "function",
            "name": "write",
            "parameters": CHAT_TOOL["function"]["parameters"],
        }
        with oa.responses.stream(model="m", input="go", tools=[tool]) as events:
            assert events.get_final_response().output_text == "Writing."
        an = anthropic.Anthropic(base_url=proxy.root_url, api_key="dummy", max_retries=0)
        schema: Any = CHAT_TOOL["function"]["parameters"]
        with an.messages.stream(
            model="m",
            max_tokens=50,
            messages=[{"role": "user", "content": "go"}],
            tools=[{"name": "write", "input_schema": schema}],
        ) as stream:
            assert stream.get_final_message().stop_reason == "tool_use"
        gm = genai.Client(api_key="dummy", http_options=types.HttpOptions(base_url=proxy.root_url))
        decl = types.FunctionDeclaration(name="write", parameters_json_schema=schema)
        config = types.GenerateContentConfig(tools=[types.Tool(function_declarations=[decl])])
        assert list(gm.models.generate_content_stream(model="g", contents="go", config=config))
        proxy.server.settle()
        served = up.server.calls
        records = proxy.server.calls
    assert [r["dialect"] for r in records] == ["responses", "anthropic", "gemini"]
    for record, truth in zip(records, served, strict=True):
        assert record["stream"] and record["status"] == 200 and record["tool_calls"] == ["write"]
        assert record["prompt_tokens"] == truth["prompt_tokens"] > 0
        assert record["completion_tokens"] == truth["completion_tokens"] > 0
    assert records[2]["model"] == "g"


def test_the_key_comes_from_the_environment_and_is_never_recorded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)

    def refuse(seen: Seen, n: int) -> Answer:
        message = f"invalid x-api-key {seen.headers.get('x-api-key')}"
        return Answer(
            401, {"type": "error", "error": {"type": "authentication_error", "message": message}}
        )

    with (
        loopback(refuse) as (url, seen),
        start_proxy(Upstream(url, "x-api-key", ("ANTHROPIC_API_KEY",))) as proxy,
    ):
        import urllib.error
        import urllib.request

        body = json.dumps(
            {"model": "m", "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
        ).encode()
        request = urllib.request.Request(
            proxy.root_url + "/v1/messages",
            data=body,
            headers={"x-api-key": "dummy", "Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
        assert (
            err.value.code == 401 and SECRET in err.value.read().decode()
        )  # the client sees what upstream said
        proxy.server.settle()
        (record,) = proxy.server.calls
    assert seen[0].headers["x-api-key"] == SECRET  # injected on the way out
    assert record["status"] == 401 and record["fault"] == "upstream_error"
    assert SECRET not in json.dumps(record) and "[redacted]" in record["error"]


def test_a_dead_upstream_is_a_502_and_a_problem() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with start_proxy(Upstream(f"http://127.0.0.1:{port}")) as proxy:
        import urllib.error
        import urllib.request

        request = urllib.request.Request(
            proxy.root_url + "/v1/chat/completions", data=b'{"messages": []}'
        )
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(request, timeout=10)
        assert err.value.code == 502
        proxy.server.settle()
        (problem,) = proxy.server.problems
        (record,) = proxy.server.calls
    assert "ConnectionRefusedError" in problem["reason"] and record["status"] == 502


@pytest.mark.parametrize(
    ("name", "provider", "path"), [("pi", "openai", "/v1"), ("claude", "anthropic", "")]
)
def test_a_cli_through_the_proxy_to_a_live_endpoint(
    name: str, provider: str, path: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ensure_installed(name)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    monkeypatch.setenv("ANTHROPIC_API_KEY", SECRET)
    workspace = Path(tempfile.mkdtemp(dir=tmp_path))
    options = ServeOptions(mapping=Mapping(workdir=str(workspace)))
    with start_server(smoke_script(), options=options) as up:
        spec = f"{provider}:live-model@{up.root_url}{path}"
        arm = CliArm(
            ADAPTERS[name],
            model=load_model(spec),
            model_spec=spec,
            config=CliConfig(timeout_s=60),
            artifacts=tmp_path / "a",
        )
        session = arm.session(workspace, prompt=PROMPT, conversation="t/1", hidden=[])
    assert session.ran.returncode == 0 and (workspace / SMOKE_FILE).read_text() == SMOKE_TEXT
    assert session.records[0]["tool_calls"] and all(r["status"] == 200 for r in session.records)
    assert all(r["model"] == "live-model" and r["prompt_tokens"] > 0 for r in session.records)
    assert SECRET not in (session.round_dir / "stdout.txt").read_text()
