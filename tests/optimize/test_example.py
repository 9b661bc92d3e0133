"""The bundled example project, run as the README shows: the known harness fix is found,
kept by the claim gate, and holds on the held-out tasks."""

from __future__ import annotations

import json
from pathlib import Path

from assay.optimize.ledger import read_ledger
from assay.records.optimize import load_project
from tests.conftest import REPO, run_assay

EXAMPLE = REPO / "src" / "assay" / "optimize" / "example" / "project.toml"


def test_the_bundled_example_finds_and_keeps_the_known_fix(tmp_path: Path) -> None:
    project = load_project(EXAMPLE)
    assert not set(project.search.tasks) & set(project.heldout.tasks)
    done = run_assay("optimize", str(EXAMPLE), "--out", str(tmp_path / "opt"))
    assert done.returncode == 0, done.stderr
    out = tmp_path / "opt"
    lines = read_ledger(out)
    assert [(r.candidate, r.outcome) for r in lines] == [
        ("c0000", "baseline"),
        ("c0001", "keep"),
        ("c0002", "no-change"),
        ("c0000", "heldout-baseline"),
        ("c0001", "heldout-best"),
    ]
    base, fix = lines[0], lines[1]
    assert base.objective is not None and fix.objective is not None and fix.gate is not None
    assert (base.objective.successes, fix.objective.successes, fix.objective.attempts) == (0, 8, 8)
    assert fix.gate.status == "supported" and fix.gate.units == 8
    assert fix.changed_files == ["AGENTS.md"]
    held = lines[-1]
    assert held.gate is not None and held.gate.status == "supported"
    assert "best: c0001" in done.stdout and "held-out claim: supported" in done.stdout
    assert json.loads((out / "leaderboard.json").read_text())["best"] == "c0001"
    report = (out / "report.md").read_text()
    assert "**supported**" in report and "| 1 | c0001 | c0000 | keep |" in report
