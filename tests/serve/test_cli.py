"""``assay serve`` as a real subprocess, driven by the openai provider."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.models import Message, Request, RetryPolicy, ToolSpec, load_model
from tests.conftest import ASSAY, REPO, run_assay

SCRIPT = {
    "schema": "assay.script.v1",
    "model": "fake",
    "tasks": {
        "t1": [
            {
                "faults": ["http_500"],
                "tool_calls": [{"name": "write_file", "arguments": {"path": "a.py"}}],
            },
            {"text": "done"},
        ]
    },
}


@pytest.fixture
def script_file(tmp_path: Path) -> Path:
    path = tmp_path / "script.json"
    path.write_text(json.dumps(SCRIPT))
    return path


@pytest.fixture
def server(script_file: Path) -> Iterator[str]:
    """Start ``assay serve --port 0``; yield its base URL; stop it with Ctrl-C."""
    proc = subprocess.Popen(
        [*ASSAY, "serve", "--script", str(script_file), "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        match = re.search(r"listening on (http://127\.0\.0\.1:\d+/v1)", line)
        assert match, (line, proc.stderr.read() if proc.stderr else "")
        yield match[1]
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 0  # generous: a loaded machine is slow to stop


@pytest.mark.parametrize("stream", [False, True], ids=["plain", "streamed"])
def test_openai_provider_against_the_cli_server(server: str, stream: bool) -> None:
    model = load_model(f"openai:fake@{server}", stream=stream, retry=RetryPolicy(base_delay_s=0.01))
    tool = ToolSpec("write_file", "Write a file.")
    conversation = [Message("user", "go")]
    first = model.generate(Request(tuple(conversation), (tool,), metadata={"task_id": "t1"}))
    assert first.tool_calls[0].arguments == {"path": "a.py"}
    assert first.attempts == 2  # the scripted 500 came over the wire and was retried
    conversation += [
        Message("assistant", "", tool_calls=first.tool_calls),
        Message("tool", "ok", tool_call_id=first.tool_calls[0].id, name="write_file"),
    ]
    second = model.generate(Request(tuple(conversation), (tool,), metadata={"task_id": "t1"}))
    assert second.text == "done" and second.finish_reason == "stop"


def test_bad_script_exits_2_with_the_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps({"schema": "assay.script.v1", "tasks": {"*": [{"faults": ["boom"]}]}})
    )
    done = run_assay("serve", "--script", str(path), "--port", "0")
    assert done.returncode == 2
    assert "tasks.*.0.faults.0.kind" in done.stderr and "Traceback" not in done.stderr


def test_busy_port_exits_2(script_file: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        done = run_assay(
            "serve", "--script", str(script_file), "--port", str(busy.getsockname()[1])
        )
    assert done.returncode == 2
    assert "cannot listen" in done.stderr and "--port 0" in done.stderr
