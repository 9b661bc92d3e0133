"""Every bundled repair task decides exactly as before the gate became two processes.

``bundled_outcomes.json`` holds the per-test outcomes of every task's reference solution and
untouched workspace as the in-process gate decided them (commit 0f0ce58, generated with the
loop below); the two-process gate must reproduce every one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.tasks.check import reference_workspace
from assay.tasks.suite import load_suite
from assay.verify.gate import verify

EXPECTED = json.loads((Path(__file__).parent / "bundled_outcomes.json").read_text())


@pytest.mark.parametrize("task", load_suite("repair"), ids=lambda t: t.id)
def test_reference_and_workspace_decide_as_before(task, tmp_path):
    ref = reference_workspace(task, tmp_path / "ref")
    for name, ws in (("reference", ref), ("workspace", task.workspace)):
        v = verify(task, ws, repeats=1)
        assert {t.id: t.outcome for t in v.tests} == EXPECTED[f"{task.id}/{name}"], name
        assert v.passed is (name == "reference"), v.failure_excerpt
