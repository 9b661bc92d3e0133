"""``assay optimize matrix``: proposers × trials of one tiny project, JSON and TSV aggregates."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_assay

PROJECT = """
schema = "assay.optimize.v1"
name = "matrix"

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
kind = "scripted"
script = "hang.json"

[budget]
iterations = 1
"""
MATRIX = """
schema = "assay.optimize.matrix.v1"
project = "project.toml"
trials = 2

[[proposers]]
kind = "scripted"
script = "hang.json"
timeout_s = 1
"""


def test_matrix_writes_aggregates_per_cell_and_resumes(tmp_path: Path) -> None:
    (tmp_path / "baseline").mkdir()
    (tmp_path / "baseline" / "AGENTS.md").write_text("Make the tests pass.\n")
    hang = {"schema": "assay.proposals.v1", "proposals": [{"sleep_s": 60}]}
    (tmp_path / "hang.json").write_text(json.dumps(hang))
    (tmp_path / "project.toml").write_text(PROJECT)
    (tmp_path / "matrix.toml").write_text(MATRIX)
    out = tmp_path / "m"
    done = run_assay("optimize", "matrix", str(tmp_path / "matrix.toml"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    (cell,) = json.loads((out / "matrix.json").read_text())["cells"]
    assert (cell["proposer"], cell["trials"], cell["timeout_rate"]) == ("scripted", 2, 1.0)
    assert (cell["success_rate"], cell["mean_best_objective"]) == (0.0, 0.0)
    assert cell["folders"] == ["cells/00-scripted/trial-1", "cells/00-scripted/trial-2"]
    tsv = (out / "matrix.tsv").read_text().splitlines()
    assert tsv[0].split("\t")[3:] == ["success_rate", "mean_best_objective", "timeout_rate"]
    assert tsv[1].split("\t") == ["scripted", "", "2", "0.0", "0.0", "1.0"]
    # Run again into the same folder: every trial is finished, nothing is run twice.
    again = run_assay("optimize", "matrix", str(tmp_path / "matrix.toml"), "--out", str(out))
    assert again.returncode == 0, again.stderr
    ledger = (out / "cells" / "00-scripted" / "trial-1" / "ledger.jsonl").read_text()
    assert ledger.count('"timeout"') == 1
