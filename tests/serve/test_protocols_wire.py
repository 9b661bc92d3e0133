"""``assay serve`` in all four dialects, driven by the vendors' own SDKs on loopback.

Neutral script actions become calls of whatever tools each request offered; a client
without tools gets aider's whole-file edit text; requests the server cannot understand are
refused loudly and saved; scripted faults arrive on each dialect's wire.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assay.models.script_format import Script
from assay.serve import Mapping, RunningServer, ServeOptions, start_server

WRITE = {"write": {"path": "pkg/a.py", "content": "x = 1\n"}}
TURNS = [{"text": "Writing.", "action": WRITE}, {"action": {"finish": "All done."}}]


def script(turns: list[dict[str, Any]], **extra: Any) -> Script:
    data = {"schema": "assay.script.v1", "model": "fake", "tasks": {"*": turns}, **extra}
    return Script.model_validate(data)


@contextmanager
def served(script_turns: list[dict[str, Any]], **options: Any) -> Iterator[RunningServer]:
    with start_server(script(script_turns), options=ServeOptions(**options)) as running:
        yield running


def post(url: str, body: Any) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read()
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def schema(*names: str, required: tuple[str, ...] = ()) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {n: {"type": "string"} for n in names},
        "required": list(required or names),
    }


# -- OpenAI Responses (Codex) ---------------------------------------------------------------
RESPONSES_TOOLS: list[Any] = [
    {
        "type": "function",
        "name": "exec_command",
        "parameters": schema("cmd", "workdir", required=("cmd",)),
    },
    {"type": "web_search"},
]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_responses_write_becomes_a_shell_call_then_text(stream: bool, tmp_path: Path) -> None:
    import openai

    with served(TURNS) as running:
        client = openai.OpenAI(base_url=running.base_url, api_key="x", max_retries=0)

        def ask(items: list[Any]) -> Any:
            if not stream:
                return client.responses.create(model="m", input=items, tools=RESPONSES_TOOLS)
            with client.responses.stream(model="m", input=items, tools=RESPONSES_TOOLS) as events:
                return events.get_final_response()

        first = ask([{"role": "user", "content": "write pkg/a.py"}])
        assert first.output_text == "Writing."
        (call,) = [o for o in first.output if o.type == "function_call"]
        assert call.name == "exec_command"
        cmd = json.loads(call.arguments)["cmd"]
        import subprocess

        subprocess.run(["bash", "-c", cmd], cwd=tmp_path, check=True)
        assert (tmp_path / "pkg" / "a.py").read_text() == "x = 1\n"
        assert first.usage is not None and first.usage.input_tokens > 0
        history = [
            {"role": "user", "content": "write pkg/a.py"},
            {
                "type": "function_call",
                "call_id": call.call_id,
                "name": call.name,
                "arguments": call.arguments,
            },
            {"type": "function_call_output", "call_id": call.call_id, "output": "ok"},
        ]
        second = ask(history)
        assert second.output_text == "All done."
        assert [c["turn"] for c in running.server.calls] == [0, 1]


# -- Anthropic messages (Claude Code) -------------------------------------------------------
CLAUDE_TOOLS: list[Any] = [
    {"name": "Write", "description": "w", "input_schema": schema("file_path", "content")},
    {
        "name": "Bash",
        "description": "b",
        "input_schema": schema("command", "description", required=("command",)),
    },
    {"type": "web_search_20250305", "name": "web_search"},
]


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_anthropic_write_fills_file_path_with_an_absolute_path(stream: bool) -> None:
    import anthropic

    with served(TURNS, mapping=Mapping(workdir="/work/space")) as running:
        client = anthropic.Anthropic(base_url=running.root_url, api_key="x", max_retries=0)
        messages: list[Any] = [{"role": "user", "content": "write pkg/a.py"}]
        if stream:
            with client.beta.messages.stream(
                model="m", max_tokens=100, messages=messages, tools=CLAUDE_TOOLS
            ) as events:
                first: Any = events.get_final_message()
            assert running.server.requests[-1]["dialect"] == "anthropic"
        else:
            first = client.messages.create(
                model="m", max_tokens=100, messages=messages, tools=CLAUDE_TOOLS
            )
        text, use = first.content
        assert text.text == "Writing." and first.stop_reason == "tool_use"
        assert (use.name, use.input) == (
            "Write",
            {"file_path": "/work/space/pkg/a.py", "content": "x = 1\n"},
        )
        assert first.usage.input_tokens > 0 and first.usage.output_tokens > 0
        messages += [
            {
                "role": "assistant",
                "content": [
                    {"type": "tool_use", "id": use.id, "name": "Write", "input": use.input}
                ],
            },
            {
                "role": "user",
                "content": [{"type": "tool_result", "tool_use_id": use.id, "content": "ok"}],
            },
        ]
        second = client.messages.create(
            model="m", max_tokens=100, messages=messages, tools=CLAUDE_TOOLS
        )
        assert [b.text for b in second.content] == [
            "All done."
        ] and second.stop_reason == "end_turn"


# -- Gemini (Gemini CLI) --------------------------------------------------------------------
GEMINI_DECLS = [
    {
        "name": "write_file",
        "description": "w",
        "parameters": {
            "type": "OBJECT",
            "properties": {"file_path": {"type": "STRING"}, "content": {"type": "STRING"}},
            "required": ["file_path", "content"],
        },
    },
    {
        "name": "run_shell_command",
        "description": "r",
        "parametersJsonSchema": schema(
            "command", "description", required=("command", "description")
        ),
    },
]


@pytest.mark.parametrize("api_version", ["v1beta", "v1"])
@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_gemini_actions_map_onto_function_declarations(stream: bool, api_version: str) -> None:
    from google import genai
    from google.genai import types

    turns = [{"actions": [WRITE, {"run": "pytest -q"}]}, {"action": {"finish": "Fixed."}}]
    with served(turns) as running:
        client = genai.Client(
            api_key="x",
            http_options=types.HttpOptions(base_url=running.root_url, api_version=api_version),
        )
        config = types.GenerateContentConfig(tools=[types.Tool(function_declarations=GEMINI_DECLS)])  # type: ignore[list-item]
        if stream:
            chunks = list(
                client.models.generate_content_stream(model="g", contents="fix it", config=config)
            )
            calls = [c for chunk in chunks for c in chunk.function_calls or []]
            usage = chunks[-1].usage_metadata
        else:
            reply = client.models.generate_content(model="g", contents="fix it", config=config)
            calls, usage = reply.function_calls or [], reply.usage_metadata
        assert [(c.name, c.args) for c in calls] == [
            ("write_file", {"file_path": "pkg/a.py", "content": "x = 1\n"}),
            ("run_shell_command", {"command": "pytest -q", "description": "assay scripted action"}),
        ]
        assert usage is not None and (usage.prompt_token_count or 0) > 0
        contents = [
            types.Content(role="user", parts=[types.Part(text="fix it")]),
            types.Content(role="model", parts=[types.Part(function_call=c) for c in calls]),
        ]
        done = client.models.generate_content(model="g", contents=contents, config=config)  # type: ignore[arg-type]
        assert done.text == "Fixed."
        path = running.server.requests[0]["body"]
        assert "contents" in path


# -- chat completions: loop-vocabulary calls translated only when needed --------------------
def test_loop_tool_calls_pass_verbatim_or_are_translated() -> None:
    turns = [
        {"tool_calls": [{"name": "write_file", "arguments": {"path": "a.py", "content": "x\n"}}]}
    ]
    mine = {
        "type": "function",
        "function": {"name": "write_file", "parameters": schema("path", "content")},
    }
    theirs = {
        "type": "function",
        "function": {"name": "write", "parameters": schema("filePath", "content")},
    }
    with served(turns) as running:
        for tool, expected in [
            (mine, ("write_file", {"path": "a.py", "content": "x\n"})),
            (theirs, ("write", {"filePath": "a.py", "content": "x\n"})),
        ]:
            status, raw = post(
                running.base_url + "/chat/completions",
                {"messages": [{"role": "user", "content": "go"}], "tools": [tool]},
            )
            call = json.loads(raw)["choices"][0]["message"]["tool_calls"][0]["function"]
            assert status == 200 and (call["name"], json.loads(call["arguments"])) == expected


def test_in_process_replay_turns_actions_into_loop_tools() -> None:
    turn = script(
        [
            {
                "actions": [
                    WRITE,
                    {"edit": {"path": "a.py", "old": "1", "new": "2"}},
                    {"run": "python -m pytest -q"},
                    {"finish": "ok"},
                ]
            }
        ]
    ).turn("*", 0)
    assert [(c.name, c.arguments) for c in turn.tool_calls] == [
        ("write_file", {"path": "pkg/a.py", "content": "x = 1\n"}),
        ("edit_file", {"path": "a.py", "old_string": "1", "new_string": "2"}),
        ("run", {"command": ["python", "-m", "pytest", "-q"]}),
        ("done", {"summary": "ok"}),
    ]
    with pytest.raises(ValueError, match="exactly one"):
        script([{"action": {"write": WRITE["write"], "run": "ls"}}])
    with pytest.raises(ValueError, match="not both"):
        script([{"action": WRITE, "tool_calls": [{"name": "x"}]}])


# -- a client without tools: aider's whole-file edit text -----------------------------------
def test_tool_less_client_gets_whole_file_edit_text(tmp_path: Path) -> None:
    (tmp_path / "b.py").write_text("a = 1\nb = 2\n")
    turns = [
        {
            "actions": [
                WRITE,
                {"edit": {"path": "b.py", "old": "b = 2", "new": "b = 3"}},
                {"finish": "Done."},
            ]
        }
    ]
    with served(turns, mapping=Mapping(workdir=str(tmp_path))) as running:
        status, raw = post(
            running.base_url + "/chat/completions",
            {"messages": [{"role": "user", "content": "go"}]},
        )
    text = json.loads(raw)["choices"][0]["message"]["content"]
    assert status == 200
    assert text == "\npkg/a.py\n```\nx = 1\n```\n\nb.py\n```\na = 1\nb = 3\n```\nDone.\n"


def test_sequence_turns_ignore_example_exchanges() -> None:
    examples = [{"role": "user", "content": "eg"}, {"role": "assistant", "content": "eg"}] * 3
    with served([{"text": "first"}, {"text": "second"}], turns="sequence", turn_base=0) as running:
        url = running.base_url + "/chat/completions"
        texts = []
        for ask in ("one", "two", "one"):
            _, raw = post(url, {"messages": [*examples, {"role": "user", "content": ask}]})
            texts.append(json.loads(raw)["choices"][0]["message"]["content"])
    assert texts == ["first", "second", "first"]  # the same request is the same turn


def test_turn_base_and_default_task_continue_an_attempt() -> None:
    data = {
        "schema": "assay.script.v1",
        "tasks": {"t1": [{"text": "a"}, {"text": "b"}], "*": [{"text": "other"}]},
    }
    options = ServeOptions(default_task="t1", turn_base=1)
    with start_server(Script.model_validate(data), options=options) as running:
        _, raw = post(
            running.base_url + "/chat/completions",
            {"messages": [{"role": "user", "content": "hi"}]},
        )
        assert json.loads(raw)["choices"][0]["message"]["content"] == "b"
        assert running.server.high_water == 1


# -- loud refusals, saved requests ----------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body", "status", "words"),
    [
        ("/v1/embeddings", {"input": "x"}, 404, "no route"),
        ("/v1/responses", {"model": "m"}, 400, "input"),
        ("/v1/messages?beta=true", {"messages": "hi"}, 400, "messages"),
        ("/v1beta/models/g:generateContent", {"prompt": "x"}, 400, "contents"),
        (
            "/v1/chat/completions",
            {
                "messages": [],
                "tools": [
                    {"type": "function", "function": {"name": "read", "parameters": schema("path")}}
                ],
            },
            400,
            "no shell tool",
        ),
    ],
)
def test_unknown_shapes_are_refused_and_saved(
    path: str, body: Any, status: int, words: str, tmp_path: Path
) -> None:
    with served([{"action": {"run": "ls"}}], dump_dir=tmp_path) as running:
        got, error = post(running.root_url + path, body)
        (problem,) = running.server.problems
    assert got == status and words in json.dumps(error)
    saved = json.loads(Path(problem["saved"]).read_text())
    assert saved["body"] == body and words in saved["reason"]
    assert str(tmp_path) in json.dumps(error)  # the client is told where the request went


def test_text_client_cannot_be_scripted_to_run_commands(tmp_path: Path) -> None:
    with served([{"action": {"run": "ls"}}], dump_dir=tmp_path) as running:
        status, error = post(
            running.base_url + "/chat/completions",
            {"messages": [{"role": "user", "content": "go"}]},
        )
    assert status == 400 and "cannot run commands" in json.dumps(error)


# -- faults on each dialect's wire ----------------------------------------------------------
@pytest.mark.parametrize(
    ("path", "body", "error_key"),
    [
        ("/v1/responses", {"input": "hi", "stream": True}, "error"),
        ("/v1/messages", {"messages": [{"role": "user", "content": "hi"}], "stream": True}, "type"),
        (
            "/v1beta/models/g:streamGenerateContent?alt=sse",
            {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]},
            "error",
        ),
    ],
)
def test_faults_then_reply_in_every_dialect(path: str, body: Any, error_key: str) -> None:
    fault = {"kind": "http", "status": 429, "retry_after_s": 1}
    turns = [{"faults": [fault, "stream_cut"], "text": "recovered " * 40}]
    with served(turns) as running:
        url = running.root_url + path
        status, error = post(url, body)
        assert status == 429 and error_key in error
        status, cut = post(url, body)
        status2, whole = post(url, body)
    assert status == status2 == 200
    assert whole.startswith(cut) and len(cut) < len(whole)
    assert b"recovered" in whole and [c["fault"] for c in running.server.calls] == [
        "http",
        "stream_cut",
        None,
    ]


def test_count_tokens_and_model_lists() -> None:
    with served([{"text": "x"}]) as running:
        _, raw = post(
            running.root_url + "/v1/messages/count_tokens",
            {"messages": [{"role": "user", "content": "a b c"}]},
        )
        assert json.loads(raw) == {"input_tokens": 3}
        _, raw = post(
            running.root_url + "/v1beta/models/g:countTokens",
            {"contents": [{"parts": [{"text": "a b"}]}]},
        )
        assert json.loads(raw) == {"totalTokens": 2}
        request = urllib.request.Request(
            running.root_url + "/v1/models", headers={"anthropic-version": "2023-06-01"}
        )
        with urllib.request.urlopen(request, timeout=5) as reply:
            assert json.loads(reply.read())["data"][0]["type"] == "model"
