"""``assay claims compare RUN_A RUN_B``: claims across two runs that share tasks (issue 12)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_assay
from tests.support.rundir import TASKS, copy_run, make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("compare"))


def _set(run: Path, success) -> None:
    lines = []
    for line in (run / "attempts.jsonl").read_text().splitlines():
        r = json.loads(line)
        r["success"] = success(r)
        r["outcome"] = "completed"
        lines.append(json.dumps(r))
    (run / "attempts.jsonl").write_text("\n".join(lines) + "\n")


def test_compatible_runs_are_compared_on_their_shared_tasks(run: Path, tmp_path: Path) -> None:
    a, b = copy_run(run, tmp_path / "a"), copy_run(run, tmp_path / "b")
    _set(a, lambda r: False)
    _set(b, lambda r: r["condition"] == "auto")
    done = run_assay("claims", "compare", str(a), str(b), "--arm", "auto", "--json")
    assert done.returncode == 1, done.stderr  # three tasks can never pass the sign test
    data = json.loads(done.stdout)
    assert data["compatible"] is True and data["incompatible"] == []
    assert data["shared_tasks"] == sorted(TASKS)
    (result,) = data["results"]
    assert result["claim"]["treatment"] == "B" and result["n"] == len(TASKS)
    assert result["mean_difference"] == 1.0
    assert result["reason"] == "insufficient_evidence"
    text = run_assay("claims", "compare", str(a), str(b), "--arm", "auto")
    assert f"{len(TASKS)} shared task(s)" in text.stdout


def test_a_changed_shared_task_makes_the_runs_incompatible(run: Path, tmp_path: Path) -> None:
    a, b = copy_run(run, tmp_path / "a"), copy_run(run, tmp_path / "b")
    tasks = json.loads((b / "tasks.json").read_text())
    tasks["tasks"][0]["digest"] = "0" * 64
    changed = tasks["tasks"][0]["id"]
    (b / "tasks.json").write_text(json.dumps(tasks))
    done = run_assay("claims", "compare", str(a), str(b), "--arm", "auto", "--json")
    assert done.returncode == 2, done.stderr
    data = json.loads(done.stdout)
    assert data["compatible"] is False
    assert any(changed in line for line in data["incompatible"])
    assert {r["reason"] for r in data["results"]} == {"runs_incompatible"}
    assert all(r["mean_difference"] is None for r in data["results"])
    text = run_assay("claims", "compare", str(a), str(b), "--arm", "auto")
    assert text.returncode == 2 and "INCOMPATIBLE: shared tasks whose files differ" in text.stdout


def test_an_arm_must_be_named_when_a_run_has_several(run: Path, tmp_path: Path) -> None:
    done = run_assay("claims", "compare", str(run), str(run))
    assert done.returncode == 2 and "--arm" in done.stderr and "Traceback" not in done.stderr
