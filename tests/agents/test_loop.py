"""The loop agent with scripted models: each scripted behaviour reproduces deterministically.

Each attempt goes through the runner (one attempt, solo condition, its own run directory):
the assertions read the attempt's record and its events as they were written.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from assay.agents.config import LoopConfig
from assay.models.protocol import Model
from assay.models.scripted import ScriptedModel
from assay.records.attempt import AttemptRecord, EventRecord, VerdictSummary
from assay.records.canonical import dumps
from assay.records.manifest import AgentSpec, ConditionSpec, Manifest
from assay.records.outcome import EXIT_CODES
from assay.runner.attempt import run_attempt
from assay.runner.prepare import task_list
from assay.runner.spec import Arm, AttemptSpec
from assay.sandbox.isolation import plan_for
from assay.store.rundir import RunDir
from assay.tasks.load import Task

FIXED = (
    "def window_sums(values, size):\n"
    "    if size <= 0:\n"
    "        raise ValueError('size must be positive')\n"
    "    return [sum(values[i : i + size]) for i in range(len(values) - size + 1)]\n"
)
NAIVE = (
    "def window_sums(values, size):\n"
    "    out = [sum(values[i : i + size]) for i in range(len(values) - size)]\n"
    "    return out + [sum(values[-size:])]\n"
)
BUGGY_RANGE = "range(len(values) - size)]"
FIXED_RANGE = "range(len(values) - size + 1)]"


def call(name: str, **args: Any) -> dict[str, Any]:
    return {"tool_calls": [{"name": name, "arguments": args}]}


def action(name: str, **args: Any) -> dict[str, Any]:
    body = json.dumps({"tool": name, "args": args})
    return {"text": f"Next step.\n```action\n{body}\n```\n"}


def script(tmp_path: Path, turns: list[dict[str, Any]], name: str = "s.json") -> ScriptedModel:
    path = tmp_path / name
    path.write_text(json.dumps({"schema": "assay.script.v1", "tasks": {"window-sums": turns}}))
    return ScriptedModel.from_file(path)


@dataclass
class Attempt:
    """One attempt as the runner recorded it: its record and its events, in order."""

    record: AttemptRecord
    events: list[tuple[str, dict[str, Any]]]

    @property
    def verdict(self) -> VerdictSummary:
        """The full gate's verdict on the final workspace (public and hidden tests)."""
        assert self.record.verdict is not None
        return self.record.verdict

    def public_verdicts(self) -> list[bool]:
        """What the agent's own gate (``done`` and end-of-pass probes) answered, in order."""
        return [
            d["ok"] if k == "tool_call" else d["passed"]
            for k, d in self.events
            if (k == "tool_call" and d["tool"] == "done") or k == "probe"
        ]

    def kinds(self) -> list[str]:
        """The kinds of the events, in order."""
        return [k for k, _ in self.events]

    def of(self, kind: str) -> list[dict[str, Any]]:
        """The data of the events of one kind, in order."""
        return [d for k, d in self.events if k == kind]

    def done_calls(self) -> int:
        """How many times the agent called ``done``."""
        return sum(1 for d in self.of("tool_call") if d["tool"] == "done")


def attempt(task: Task, tmp_path: Path, model: Model, **config: Any) -> Attempt:
    """Run one solo attempt of the loop agent through the runner, in a fresh run directory."""
    n = len(list(tmp_path.glob("run*")))
    agent = AgentSpec(id="loop", model="scripted:test")
    solo = ConditionSpec(id="solo")
    manifest = Manifest(name="loop", suites=["repair"], agents=[agent], conditions=[solo])
    run = RunDir.create(
        tmp_path / f"run{n}",
        manifest_json=dumps(manifest, indent=2),
        digest=manifest.digest(),
        environment={},
        tasks=task_list([], [task]),
    )
    scratch = tmp_path / f"scratch{n}"
    scratch.mkdir()
    record = run_attempt(
        AttemptSpec(task=task, agent=agent, condition=solo, seed=1),
        Arm(model=model, config=LoopConfig(**config)),
        manifest=manifest,
        channels={},
        run=run,
        scratch=scratch,
        plan=plan_for(),
        stop=threading.Event(),
    )
    lines = (run.root / record.events).read_text().splitlines()
    events = [EventRecord.model_validate_json(line) for line in lines]
    return Attempt(record, [(e.kind, e.data) for e in events])


def test_correct_fix_completes(task, tmp_path):
    turns = [
        call("list_dir"),
        call("read_file", path="windows.py"),
        call("edit_file", path="windows.py", old_string=BUGGY_RANGE, new_string=FIXED_RANGE),
        call("done", summary="fixed the range"),
    ]
    out = attempt(task, tmp_path, script(tmp_path, turns))
    assert out.record.outcome == "completed"
    assert out.record.pass_reasons == [["completed"]]
    assert out.verdict.passed
    assert out.record.tool_counts == {"list_dir": 1, "read_file": 1, "edit_file": 1, "done": 1}
    assert out.record.model_calls == 4 and out.record.tokens.prompt > 0
    assert out.record.load_act_ratio == 2.0
    kinds = out.kinds()
    assert kinds.count("model_call") == 4 and kinds[-2:] == ["verification", "attempt_end"]


def test_naive_fix_passes_public_but_not_hidden(task, tmp_path):
    turns = [call("write_file", path="windows.py", content=NAIVE), call("done")]
    out = attempt(task, tmp_path, script(tmp_path, turns))
    assert out.record.outcome == "completed"  # the agent's done gate sees public tests only
    assert out.public_verdicts()
    assert out.public_verdicts()[-1]
    assert not out.verdict.passed  # the hidden tests catch it
    assert out.verdict.hidden.passed < out.verdict.hidden.total


def test_editing_tests_is_refused(task, tmp_path):
    turns = [
        call("write_file", path="test_windows.py", content="def test_ok():\n    pass\n"),
        call("edit_file", path="test_windows.py", old_string="[3, 5, 7]", new_string="[3, 5]"),
        call("done"),
    ]
    out = attempt(task, tmp_path, script(tmp_path, turns), max_passes=2)
    refusals = [d for d in out.of("tool_call") if not d["ok"]]
    assert any("protected" in d["output"] for d in refusals)
    assert out.record.outcome != "completed"
    assert not out.verdict.passed
    assert out.verdict.protected_changed == []


def test_stagnation(task, tmp_path):
    turns = [call("read_file", path="windows.py")] * 3
    out = attempt(task, tmp_path, script(tmp_path, turns), max_passes=10, max_stale=3)
    assert out.record.outcome == "stagnated"
    assert [len(reasons) for reasons in out.record.pass_reasons] == [3]
    assert EXIT_CODES[out.record.outcome] == 3


def test_recovery_after_feedback(task, tmp_path):
    turns = [
        call(
            "write_file",
            path="windows.py",
            content="def window_sums(values, size):\n    return []\n",
        ),
        call("done"),
        call("write_file", path="windows.py", content=FIXED),
        call("done"),
    ]
    out = attempt(task, tmp_path, script(tmp_path, turns))
    dones = [d for d in out.of("tool_call") if d["tool"] == "done"]
    assert [d["ok"] for d in dones] == [False, True]
    assert "Verification FAILED" in dones[0]["output"]
    assert "_assay_hidden" not in dones[0]["output"]  # hidden tests never reach the agent
    assert out.record.outcome == "completed" and out.verdict.passed


def test_endpoint_fault_is_a_fault(task, tmp_path):
    turns = [{"faults": ["http_500"] * 10, "text": "never"}]
    model = script(tmp_path, turns)
    model._retrier.base_delay_s = 0.0  # keep the test fast; the retry cap still applies
    out = attempt(task, tmp_path, model)
    assert out.record.outcome == "fault"
    assert out.record.fault and "500" in out.record.fault
    assert "model_fault" in out.kinds()
    assert EXIT_CODES["fault"] == 1


def test_text_protocol_and_format_errors(task, tmp_path):
    turns = [
        {"text": "I think I should look around."},  # no action block
        {"text": "```action\n{not json}\n```"},  # bad JSON
        action("frobnicate"),  # unknown tool
        action("edit_file", path="windows.py", old_string=BUGGY_RANGE, new_string=FIXED_RANGE),
        action("done"),
    ]
    out = attempt(task, tmp_path, script(tmp_path, turns), protocol="text", max_format_errors=5)
    errors = [d["error"] for d in out.of("format_error")]
    assert len(errors) == 3
    assert "valid tools" in errors[2]
    assert out.record.format_errors == 3
    assert out.record.outcome == "completed" and out.verdict.passed


def test_consecutive_format_errors_end_the_pass(task, tmp_path):
    turns = [{"text": '```action\n{"tool": 1}\n```'}] * 6
    out = attempt(
        task, tmp_path, script(tmp_path, turns), protocol="text", max_passes=2, max_format_errors=3
    )
    assert out.record.pass_reasons == [["format_errors", "format_errors"]]
    assert out.record.outcome == "budget"


def test_done_loop_guard(task, tmp_path):
    out = attempt(task, tmp_path, script(tmp_path, [call("done")] * 10), max_passes=1, done_loop=3)
    assert out.record.pass_reasons == [["done_loop"]]
    assert out.done_calls() == 3


def test_end_of_pass_probe_completes(task, tmp_path):
    turns = [call("write_file", path="windows.py", content=FIXED), {"text": "All good."}]
    out = attempt(task, tmp_path, script(tmp_path, turns))
    assert out.record.pass_reasons == [["completed"]]
    assert len(out.of("probe")) == 1 and out.done_calls() == 0
    assert any(d["passed"] for d in out.of("probe"))


def test_paths_are_confined(task, tmp_path):
    turns = [
        call("read_file", path="../../../../etc/passwd"),
        call("write_file", path="/tmp/outside.txt", content="x"),
        call("run", command=["bash", "-c", "id"]),
        call("run", command=["python", "-c", "print(1)"]),
        call("run", command=["python", "-m", "pytest", "-q", "test_windows.py"]),
    ]
    out = attempt(task, tmp_path, script(tmp_path, turns), max_passes=1)
    outs = out.of("tool_call")
    assert "outside the workspace" in outs[0]["output"]
    assert "outside the workspace" in outs[1]["output"]
    assert "not allowed" in outs[2]["output"]
    assert "FILE.py" in outs[3]["output"]
    assert "exit code 1" in outs[4]["output"] and "failed" in outs[4]["output"]


def test_memory_ablation_wipes_progress(task, tmp_path):
    turns = [
        call("write_file", path="PROGRESS.md", content="plan"),
        {"text": "stop"},
        call("read_file", path="PROGRESS.md"),
    ]
    out = attempt(task, tmp_path, script(tmp_path, turns), memory=False, max_passes=2)
    reads = [d for d in out.of("tool_call") if d["tool"] == "read_file"]
    assert reads and "no such file" in reads[0]["output"]


@pytest.mark.parametrize("elide", [True, False])
def test_elision_of_passing_tests(task, tmp_path, elide):
    import shutil

    from assay.tasks.load import load_task

    root = tmp_path / "task2"
    shutil.copytree(task.root, root)
    toml = (root / "task.toml").read_text().replace('["test_windows.py"]', '["test_*.py"]')
    (root / "task.toml").write_text(toml)
    (root / "workspace" / "test_more.py").write_text(
        "import pytest\nfrom windows import window_sums\n\n"
        "def test_bad_size():\n    with pytest.raises(ValueError):\n        window_sums([1], 0)\n"
    )
    turns = [
        call("done"),
        call("read_file", path="test_more.py"),
        call("read_file", path="test_windows.py"),
    ]
    out = attempt(
        load_task(root), tmp_path, script(tmp_path, turns), elide_passing=elide, max_passes=1
    )
    reads = [d["output"] for d in out.of("tool_call") if d["tool"] == "read_file"]
    assert out.record.elided_reads == (1 if elide else 0)
    assert ("already pass" in reads[0]) is elide
    assert "def test_three_windows" in reads[1]  # a failing test file is never elided


def test_same_script_same_events(task, tmp_path):
    turns = [
        call("read_file", path="windows.py"),
        call("edit_file", path="windows.py", old_string=BUGGY_RANGE, new_string=FIXED_RANGE),
        call("done"),
    ]

    def untimed(data: Any) -> Any:
        # Wall-clock measures and workspace fingerprints differ between runs, at any depth
        # (the runner's verification events carry the gate's whole verdict).
        if isinstance(data, dict):
            return {
                x: untimed(y)
                for x, y in data.items()
                if "duration" not in x and "latency" not in x and x != "fingerprint"
            }
        if isinstance(data, list):
            return [untimed(y) for y in data]
        return data

    def strip(events):
        return [(k, untimed(d)) for k, d in events]

    a = attempt(task, tmp_path, script(tmp_path, turns, "a.json")).events
    b = attempt(task, tmp_path, script(tmp_path, turns, "b.json")).events
    assert strip(a) == strip(b)
