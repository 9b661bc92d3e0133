"""``assay tasks check kits``: every kit solvable (stuck: failing as declared), none solved."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assay.tasks.suite import BUNDLED_ROOT
from tests.conftest import run_assay


def test_tasks_check_kits_passes() -> None:
    done = run_assay("tasks", "check", "kits", "--json")
    assert done.returncode == 0, done.stdout[-2000:]
    results = {r["task"]: r for r in json.loads(done.stdout)}
    assert set(results) == {"api-kit", "collections-kit", "graph-kit", "pipeline-kit", "stuck"}
    assert all(r["ok"] and not r["workspace_passed"] for r in results.values())
    assert [t for t, r in results.items() if not r["reference_passed"]] == ["stuck"]
    assert results["stuck"]["unsatisfiable"] is True


def test_a_satisfiable_task_declared_unsatisfiable_fails_the_check(tmp_path: Path) -> None:
    root = tmp_path / "window-sums"
    shutil.copytree(BUNDLED_ROOT / "repair" / "window-sums", root)  # small: a fast check
    toml = root / "task.toml"
    toml.write_text(toml.read_text().replace("[verify]", "unsatisfiable = true\n\n[verify]"))
    done = run_assay("tasks", "check", str(root), "--json")
    assert done.returncode == 1
    (result,) = json.loads(done.stdout)
    assert result["problem"] == "declared unsatisfiable, but the reference passes every test"
