"""The bundled harness-optimization example, run as the README shows, checked and timed.

Too slow for ``make test`` (32 evaluated attempts: ~30 s on 2 quiet cores); the same loop on
a smaller split is ``tests/optimize/test_optimize.py``. Run:
``.venv/bin/python bench/optimize_example.py`` (exit 0 when every check holds).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assay.optimize.ledger import read_ledger
from assay.records.optimize import load_project

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "src" / "assay" / "optimize" / "example" / "project.toml"


def run_assay(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command line, as the README runs it."""
    return subprocess.run(
        [sys.executable, "-m", "assay.cli", *args], capture_output=True, text=True, check=False
    )


def check(tmp_path: Path) -> None:
    """Run the example into ``tmp_path/opt`` and assert what the README says of it."""
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


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        start = time.monotonic()
        check(Path(tmp))
        print(f"example: every check holds; {time.monotonic() - start:.1f} s")
