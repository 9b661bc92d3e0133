"""Each of the eight agent CLIs, for real, against a scripted model on loopback.

Each solves window-sums (the scripted fix is written through whatever tool the CLI offers)
and fails add-months as scripted (a partial edit): the gate decides both, and the events
record the endpoint's model calls, the CLI's own tool calls and usage, and the file changes.
The CLIs are installed into the per-machine cache when missing.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from assay.sandbox.isolation import agent_cli_bwrap
from tests.support.cli_agents import NAMES, attempt, bundled, ensure_installed

SOLVE_TASK, FAIL_TASK = "window-sums", "add-months"
PARTIAL = {"path": "dates.py", "old": "month = month % 12\n", "new": "month = month % 12 or 12\n"}


@pytest.mark.parametrize("name", NAMES)
def test_adapter_solves_one_task_and_fails_another_as_scripted(name: str, tmp_path: Path) -> None:
    ensure_installed(name)
    task = bundled(SOLVE_TASK)
    fix = (task.solution / "windows.py").read_text()
    turns = [
        {"action": {"write": {"path": "windows.py", "content": fix}}},
        {"action": {"finish": "Fixed."}},
    ]
    start = time.monotonic()
    solved = attempt(name, task, turns, tmp_path)
    seconds = time.monotonic() - start
    print(f"\n{name}: one scripted attempt in {seconds:.1f} s")
    assert solved.result.outcome == "completed", solved.events
    assert solved.truth.passed and solved.exit()["classification"] == "completed"
    assert solved.result.model_calls >= 1 and solved.result.prompt_tokens > 0
    calls = solved.of("model_call")
    assert calls and all(c["status"] == 200 and c["task"] == SOLVE_TASK for c in calls)
    assert any(c["tool_calls"] for c in calls) or name == "aider"  # aider gets edit text
    assert {"path": "windows.py", "change": "modified"} in solved.of("file_change")
    tools = [t["tool"] for t in solved.of("tool_call")]
    assert {"write_file", "run"} & set(tools), tools
    (run,) = solved.of("cli_run")
    isolated = agent_cli_bwrap() is not None
    assert run["network"] == ("endpoint-only" if isolated else "host")
    round_dir = solved.artifacts.parent / run["artifacts"]
    assert (round_dir / "stdout.txt").is_file() and (round_dir / "stderr.txt").is_file()
    assert str(Path.home()) + "/" not in json.dumps(solved.events)

    task = bundled(FAIL_TASK)
    failed = attempt(
        name, task, [{"action": {"edit": PARTIAL}}, {"action": {"finish": "Fixed."}}], tmp_path
    )
    assert failed.result.outcome == "budget" and failed.exit()["classification"] == "gave_up"
    assert failed.result.pass_reasons == ["model_stop"]
    assert not failed.truth.passed
    assert "month % 12 or 12" in (failed.workspace / "dates.py").read_text()
    assert {"path": "dates.py", "change": "modified"} in failed.of("file_change")
    (probe,) = failed.of("probe")
    assert probe["passed"] is False and "tests_failed" in probe["reasons"]


@pytest.mark.parametrize("dialect", ["chat", "responses", "anthropic", "gemini"])
def test_pi_solves_over_every_dialect_of_the_server(dialect: str, tmp_path: Path) -> None:
    ensure_installed("pi")
    task = bundled(SOLVE_TASK)
    fix = (task.solution / "windows.py").read_text()
    turns = [
        {"action": {"write": {"path": "windows.py", "content": fix}}},
        {"action": {"finish": "Done."}},
    ]
    got = attempt("pi", task, turns, tmp_path, dialect=dialect)
    assert got.result.outcome == "completed" and got.truth.passed
    assert [c["dialect"] for c in got.of("model_call")] == [dialect, dialect]
    assert got.of("cli_usage")[0]["prompt_tokens"] == got.result.prompt_tokens > 0
