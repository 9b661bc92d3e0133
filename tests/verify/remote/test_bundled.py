"""Every bundled repair task decides exactly as before the gate became two processes.

``bundled_outcomes.json`` holds the per-test outcomes of every task's reference solution and
untouched workspace as the in-process gate decided them (commit 0f0ce58, generated with the
loop below); the two-process gate must reproduce every one. Hidden tests added to a task
since (the task-strength audit's strengthening) are not in that file: they must be hidden,
and the reference must pass them.
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
        got = {t.id: t.outcome for t in v.tests}
        expected = EXPECTED[f"{task.id}/{name}"]
        assert {k: got.get(k) for k in expected} == expected, name
        added = {k: o for k, o in got.items() if k not in expected}
        assert all(k.startswith("_assay_hidden/") for k in added), added
        if name == "reference":
            assert set(added.values()) <= {"passed"}, added
        assert v.passed is (name == "reference"), v.failure_excerpt
