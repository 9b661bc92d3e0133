"""The lint channel: real ruff on copies of the changed code, defect rules only."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from assay.oversight.diff import inspection_for
from assay.oversight.lint import LintChannel
from assay.tasks.load import Task, load_task
from assay.tasks.suite import BUNDLED_ROOT

FIX = (
    "def window_sums(values, size):\n"
    "    if size <= 0:\n"
    "        raise ValueError('size must be positive')\n"
    "    return [sum(values[i : i + size]) for i in range(len(values) - size + 1)]\n"
)
TASK_DIRS = sorted(p for p in (BUNDLED_ROOT / "repair").iterdir() if (p / "task.toml").is_file())


def build(task: Task, tmp_path: Path, files: dict[str, str]) -> Path:
    ws = tmp_path / "ws"
    shutil.copytree(task.workspace, ws)
    for rel, text in files.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text)
    return ws


def lint(task: Task, ws: Path, **kwargs):
    return LintChannel(cost=0.25, **kwargs).inspect(inspection_for(task, ws))


def test_undefined_name_is_flagged(task, tmp_path):
    body = FIX.replace("sum(values[i : i + size])", "total(values[i : i + size])")
    verdict = lint(task, build(task, tmp_path, {"windows.py": body}))
    assert verdict.flag
    assert [(f.rule, f.path, f.line) for f in verdict.findings] == [("F821", "windows.py", 4)]
    assert "windows.py:4: F821 Undefined name `total`" in verdict.feedback
    assert verdict.cost == 0.25
    assert verdict.detail["files"] == ["windows.py"]


def test_syntax_error_is_flagged(task, tmp_path):
    verdict = lint(task, build(task, tmp_path, {"windows.py": "def window_sums(:\n"}))
    assert verdict.flag
    assert {f.rule for f in verdict.findings} == {"invalid-syntax"}


def test_noqa_cannot_silence_it(task, tmp_path):
    body = "# ruff: noqa\nx = undefined_thing  # noqa: F821\n" + FIX
    verdict = lint(task, build(task, tmp_path, {"windows.py": body}))
    assert [f.rule for f in verdict.findings] == ["F821"]


def test_a_planted_config_is_not_read(task, tmp_path):
    files = {"windows.py": "x = undefined_thing\n" + FIX, "ruff.toml": "lint.select = []\n"}
    verdict = lint(task, build(task, tmp_path, files))
    assert [f.rule for f in verdict.findings] == ["F821"]


def test_style_is_not_a_defect(task, tmp_path):
    body = "import os\nimport json\n\n\n" + FIX + "unused = [x for x in range(3)]\n"
    verdict = lint(task, build(task, tmp_path, {"windows.py": body}))
    assert not verdict.flag
    assert verdict.findings == ()


def test_tests_and_other_files_are_not_linted(task, tmp_path):
    files = {
        "test_windows.py": "def test_x():\n    assert undefined_thing\n",
        "notes.txt": "undefined_thing\n",
        "windows.py": FIX,
    }
    verdict = lint(task, build(task, tmp_path, files))
    assert not verdict.flag
    assert verdict.detail["files"] == ["windows.py"]


def test_untouched_workspace_runs_nothing(task, tmp_path):
    verdict = lint(task, build(task, tmp_path, {}))
    assert not verdict.flag
    assert verdict.detail["files"] == []


def test_the_workspace_is_never_written(task, tmp_path):
    ws = build(task, tmp_path, {"windows.py": "import os\nx = undefined_thing\n"})
    before = sorted(p.relative_to(ws) for p in ws.rglob("*"))
    lint(task, ws)
    assert sorted(p.relative_to(ws) for p in ws.rglob("*")) == before
    assert (ws / "windows.py").read_text() == "import os\nx = undefined_thing\n"


def test_missing_ruff_is_reported_not_raised(task, tmp_path):
    ws = build(task, tmp_path, {"windows.py": "x = undefined_thing\n"})
    verdict = lint(task, ws, ruff=(str(tmp_path / "no-such-ruff"),))
    assert not verdict.flag
    assert "could not run" in str(verdict.detail["unavailable"])


def test_a_broken_ruff_is_reported_not_raised(task, tmp_path):
    ws = build(task, tmp_path, {"windows.py": "x = undefined_thing\n"})
    broken = (sys.executable, "-c", "import sys; sys.exit(2)")
    verdict = lint(task, ws, ruff=broken)
    assert not verdict.flag
    assert "exited with 2" in str(verdict.detail["unavailable"])


@pytest.mark.parametrize("task_dir", TASK_DIRS, ids=[p.name for p in TASK_DIRS])
def test_reference_solutions_are_clean(task_dir, tmp_path):
    ref = load_task(task_dir)
    ws = tmp_path / "ws"
    shutil.copytree(ref.workspace, ws)
    shutil.copytree(ref.solution, ws, dirs_exist_ok=True)
    verdict = LintChannel().inspect(inspection_for(ref, ws))
    assert "unavailable" not in verdict.detail
    assert verdict.findings == ()
