"""A real agent CLI (Pi) as the proposer, against assay's scripted endpoint, offline.

The CLI reads its prompt, writes the harness fix into AGENTS.md through its own write tool,
and the child is classified, evaluated and decided like any other; its tokens come from the
endpoint's record of the CLI's model calls.
"""

from __future__ import annotations

import json
from pathlib import Path

from assay.optimize.ledger import read_ledger
from assay.runner.builtin_scripts import HARNESS_FIX
from tests.conftest import run_assay
from tests.support.cli_agents import ensure_installed

FIX = f"{HARNESS_FIX.capitalize()} the task describes.\n"
PROJECT = """
schema = "assay.optimize.v1"
name = "cli-proposer"

[harness]
baseline = "baseline"
allowed_write_paths = ["AGENTS.md"]

[evaluation]
model = "scripted:builtin:repair-harness"
config = { max_passes = 1 }

[search]
suite = "repair"
tasks = ["deep-merge"]

[heldout]
suite = "repair"
tasks = ["semver-order"]

[proposer]
kind = "cli:pi"
model = "scripted:proposer.json"
timeout_s = 120

[budget]
iterations = 1
"""


def test_pi_proposes_the_fix_end_to_end_offline(tmp_path: Path) -> None:
    ensure_installed("pi")
    (tmp_path / "baseline").mkdir()
    (tmp_path / "baseline" / "AGENTS.md").write_text("Make the tests pass.\n")
    turns = [
        {"action": {"write": {"path": "AGENTS.md", "content": FIX}}},
        {"action": {"finish": "Told the agent to fix the general case."}},
    ]
    script = {"schema": "assay.script.v1", "model": "fake-model", "tasks": {"*": turns}}
    (tmp_path / "proposer.json").write_text(json.dumps(script))
    (tmp_path / "project.toml").write_text(PROJECT)
    out = tmp_path / "opt"
    done = run_assay("optimize", str(tmp_path / "project.toml"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    lines = {(r.candidate, r.outcome): r for r in read_ledger(out)}
    child = lines[("c0001", "discard")]  # 1/1 against 0/1: one unit can never be supported
    assert child.changed_files == ["AGENTS.md"] and child.usage.exit_code == 0
    assert child.usage.tokens is not None and child.usage.tokens > 0
    assert child.objective is not None and child.objective.successes == 1
    assert child.gate is not None and child.gate.reason == "insufficient_evidence"
    # reevaluate_incumbent (the default): the parent was evaluated again beside the child.
    assert child.incumbent_run == "candidates/c0001/incumbent/run"
    assert child.incumbent_objective is not None and child.incumbent_objective.attempts == 1
    assert (out / "candidates" / "c0001" / "incumbent" / "run" / "attempts.jsonl").is_file()
    assert (out / "candidates" / "c0001" / "workspace" / "AGENTS.md").read_text() == FIX
    proposal = out / "candidates" / "c0001" / "proposal"
    assert "the general case" in (proposal / "last_message.txt").read_text()
    assert (proposal / "stdout.txt").stat().st_size > 0
    assert ("c0000", "heldout-best") in lines
