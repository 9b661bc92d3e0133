"""The scripted model and the assay.script.v1 format: deterministic, offline replay."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

import pytest

from assay.errors import InputError
from assay.models import Message, ModelFault, Request, RetryPolicy, TryReport, load_model
from assay.models.pricing import PriceTable
from assay.models.script_format import EXHAUSTED_TEXT, load_script
from assay.models.scripted import ScriptedModel
from assay.models.types import MAX_REPLY_CHARS, Reply


def write(tmp_path: Path, tasks: dict[str, Any], **top: Any) -> Path:
    path = tmp_path / "script.json"
    path.write_text(json.dumps({"schema": "assay.script.v1", "tasks": tasks, **top}))
    return path


def ask(
    task: str = "t1", text: str = "fix the bug please", conversation: str | None = None
) -> Request:
    meta = {"task_id": task}
    if conversation:
        meta["conversation"] = conversation
    return Request(
        messages=(Message("system", "You fix code."), Message("user", text)), metadata=meta
    )


def timeless(reply: Reply) -> Reply:
    return dataclasses.replace(reply, latency_s=0.0)


TASKS = {
    "t1": [
        {"tool_calls": [{"name": "read_file", "arguments": {"path": "a.py"}}]},
        {"text": "All fixed now."},
    ],
    "*": [{"text": "default answer"}],
}


def test_same_script_gives_same_replies_twice(tmp_path: Path) -> None:
    path = write(tmp_path, TASKS)
    runs = []
    for _ in range(2):
        model = load_model(f"scripted:{path}")
        runs.append([timeless(model.generate(ask())) for _ in range(3)])
    assert runs[0] == runs[1]
    first, second, third = runs[0]
    assert first.tool_calls[0].name == "read_file"
    assert first.tool_calls[0].arguments == {"path": "a.py"}
    assert first.tool_calls[0].id == "call_0_0"
    assert first.finish_reason == "tool_calls"
    assert second.text == "All fixed now." and second.finish_reason == "stop"
    assert third.text == EXHAUSTED_TEXT and third.tool_calls == ()


def test_turns_are_counted_per_conversation(tmp_path: Path) -> None:
    model = ScriptedModel.from_file(write(tmp_path, TASKS))
    a0 = model.generate(ask(conversation="a"))
    b0 = model.generate(ask(conversation="b"))
    a1 = model.generate(ask(conversation="a"))
    assert a0.tool_calls and b0.tool_calls
    assert a1.text == "All fixed now."


def test_unknown_task_uses_the_default(tmp_path: Path) -> None:
    model = ScriptedModel.from_file(write(tmp_path, TASKS))
    assert model.generate(ask(task="other")).text == "default answer"
    assert model.generate(Request(messages=(Message("user", "hi"),))).text == "default answer"


def test_repeat_last_when_exhausted(tmp_path: Path) -> None:
    tasks = {"t1": [{"text": "one"}, {"faults": ["http_500"], "text": "last"}]}
    model = ScriptedModel.from_file(write(tmp_path, tasks, on_exhausted="repeat_last"))
    replies = [model.generate(ask()) for _ in range(4)]
    assert [r.text for r in replies] == ["one", "last", "last", "last"]
    assert [r.attempts for r in replies] == [1, 2, 1, 1]  # faults are not repeated


def test_faults_then_reply_are_retried_in_simulated_time(tmp_path: Path) -> None:
    tries: list[TryReport] = []
    path = write(tmp_path, {"t1": [{"faults": ["http_500", "http_500"], "text": "ok"}]})
    model = load_model(f"scripted:{path}", on_try=tries.append)  # default policy: 0.5 s, 1 s
    start = time.monotonic()
    reply = model.generate(ask())
    elapsed = time.monotonic() - start
    assert reply.text == "ok" and reply.attempts == 3
    # Real sleeping would take at least the waits the tries report (about 1.5 s); simulated
    # sleeping takes none. The whole of the waits is the margin, whatever the machine's load.
    assert elapsed < sum(t.wait_s for t in tries)
    assert [(t.attempt, t.ok, t.status) for t in tries] == [
        (1, False, 500),
        (2, False, 500),
        (3, True, None),
    ]
    assert tries[0].wait_s > 0 and tries[1].wait_s > tries[0].wait_s


def test_fault_storm_ends_in_exhausted_fault(tmp_path: Path) -> None:
    path = write(tmp_path, {"t1": [{"faults": ["http_503"] * 20, "text": "never"}]})
    model = load_model(f"scripted:{path}", retry=RetryPolicy(max_tries=5))
    with pytest.raises(ModelFault) as err:
        model.generate(ask())
    assert err.value.kind == "exhausted" and err.value.attempts == 5 and err.value.status == 503


def test_permanent_fault_is_not_retried(tmp_path: Path) -> None:
    model = ScriptedModel.from_file(
        write(tmp_path, {"t1": [{"faults": ["http_400"], "text": "ok"}]})
    )
    with pytest.raises(ModelFault) as err:
        model.generate(ask())
    assert err.value.kind == "permanent" and err.value.attempts == 1
    assert model.generate(ask()).text == "ok"


@pytest.mark.parametrize("kind", ["timeout", "disconnect", "garbage", "stream_cut"])
def test_transport_faults_are_transient(tmp_path: Path, kind: str) -> None:
    model = ScriptedModel.from_file(write(tmp_path, {"t1": [{"faults": [kind], "text": "ok"}]}))
    reply = model.generate(ask())
    assert reply.text == "ok" and reply.attempts == 2


def test_malformed_tool_call_is_recorded_not_raised(tmp_path: Path) -> None:
    tasks = {"t1": [{"tool_calls": [{"name": "write_file", "raw_arguments": '{"path": "a.py",'}]}]}
    reply = ScriptedModel.from_file(write(tmp_path, tasks)).generate(ask())
    call = reply.tool_calls[0]
    assert call.arguments == {}
    assert call.raw_arguments == '{"path": "a.py",'
    assert call.arguments_error and "not valid JSON" in call.arguments_error


def test_oversized_reply_is_clipped_and_its_size_recorded(tmp_path: Path) -> None:
    tasks = {"t1": [{"text": "big", "pad_to_bytes": 10_000_000}]}
    reply = ScriptedModel.from_file(write(tmp_path, tasks)).generate(ask())
    assert reply.clipped
    assert MAX_REPLY_CHARS < len(reply.text) < MAX_REPLY_CHARS + 200
    assert "reply clipped" in reply.text[-200:]
    assert reply.raw_bytes == 10_000_000


def test_usage_counts_words_deterministically(tmp_path: Path) -> None:
    tasks = {
        "t1": [{"text": "three words here", "tool_calls": [{"name": "x", "arguments": {"a": 1}}]}]
    }
    reply = ScriptedModel.from_file(write(tmp_path, tasks)).generate(ask(text="one two"))
    assert reply.usage.prompt == 3 + 2  # "You fix code." + "one two"
    assert reply.usage.completion == 3 + 2  # the text + '{"a": 1}'
    assert reply.usage.cached == 0 and reply.cost_usd is None


def test_price_table_gives_cost(tmp_path: Path) -> None:
    prices = PriceTable.from_dict({"models": {"scripted:fake": {"input": 1e6, "output": 2e6}}})
    model = load_model(f"scripted:{write(tmp_path, TASKS, model='fake')}", price_table=prices)
    reply = model.generate(ask(text="one two"))
    assert reply.model == "fake" and model.name == "scripted:fake"
    assert reply.cost_usd == pytest.approx(reply.usage.prompt * 1 + reply.usage.completion * 2)


def test_toml_script_with_shorthand_faults(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text(
        'schema = "assay.script.v1"\n'
        '[[tasks."*"]]\n'
        'faults = ["http_429", { kind = "http", status = 502, retry_after_s = 0.5 }, "timeout"]\n'
        'text = "hi"\n'
    )
    faults = load_script(path).turn("any", 0).faults
    assert [(f.kind, f.status, f.retry_after_s) for f in faults] == [
        ("http", 429, None),
        ("http", 502, 0.5),
        ("timeout", 500, None),
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"schema": "assay.script.v2", "tasks": {"*": []}}, "schema"),
        (
            {"schema": "assay.script.v1", "tasks": {"*": [{"faults": ["boom"]}]}},
            "tasks.*.0.faults.0.kind",
        ),
        ({"schema": "assay.script.v1", "tasks": {"*": [{"txt": "typo"}]}}, "tasks.*.0.txt"),
        ({"schema": "assay.script.v1", "tasks": {}}, "tasks"),
    ],
)
def test_bad_script_names_the_field(tmp_path: Path, data: dict[str, Any], field: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError) as err:
        load_script(path)
    assert field in [p.field for p in err.value.problems]
    assert all(p.file == str(path) and p.fix for p in err.value.problems)


def test_unreadable_script_files(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{nope")
    (tmp_path / "s.yaml").write_text("a: 1")
    for name, words in [
        ("broken.json", "cannot parse"),
        ("s.yaml", "unsupported"),
        ("gone.json", "no such"),
    ]:
        with pytest.raises(InputError) as err:
            load_script(tmp_path / name)
        assert words in str(err.value)
