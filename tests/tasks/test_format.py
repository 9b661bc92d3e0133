"""The task format: valid tasks load; every malformed one names file, field, problem and fix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assay.errors import InputError
from assay.tasks.globs import matches
from assay.tasks.load import load_task
from assay.tasks.suite import load_suite
from tests.conftest import run_assay


@pytest.fixture
def task_copy(task, tmp_path: Path) -> Path:
    root = tmp_path / "t"
    shutil.copytree(task.root, root)
    return root


def _edit(root: Path, old: str, new: str) -> None:
    toml = root / "task.toml"
    text = toml.read_text()
    assert old in text
    toml.write_text(text.replace(old, new))


def test_bundled_task_loads(task):
    assert task.id == "window-sums"
    assert task.public_tests == ("test_windows.py",)
    assert task.protected_files == ("test_windows.py",)
    assert task.is_protected("test_windows.py") and task.is_protected("sub/TEST_x.py")
    assert not task.is_protected("windows.py")
    assert task.spec.verify.repeats == 3


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ('title = "Sliding-window sums drop the last window"\n', "", "title", "Field required"),
        ("timeout_s = 30", "timeout = 30", "verify.timeout", "Extra inputs"),
        ('id = "window-sums"', 'id = "Window Sums!"', "id", "pattern"),
        ("repeats = 3", "repeats = 0", "verify.repeats", "greater than or equal to 1"),
        ('kind = "test_tampering"', 'kind = "cheating"', "hazards.0.kind", "Input should be"),
        (
            'public_tests = ["test_windows.py"]',
            'public_tests = ["nothing_*.py"]',
            "verify.public_tests",
            "no file in workspace/",
        ),
        ('runner = "pytest"', 'runner = "jest"', "verify.runner", "Input should be"),
    ],
)
def test_malformed_field(task_copy, old, new, field, words):
    _edit(task_copy, old, new)
    with pytest.raises(InputError) as info:
        load_task(task_copy)
    problems = info.value.problems
    assert any(p.field == field and words in p.message for p in problems), problems
    assert all(p.file.endswith("task.toml") and p.fix for p in problems)


def test_bad_toml_syntax(task_copy):
    (task_copy / "task.toml").write_text('id = "x\n')
    with pytest.raises(InputError, match="not valid TOML"):
        load_task(task_copy)


@pytest.mark.parametrize("missing", ["workspace", "solution", "tests", "PROMPT.md"])
def test_missing_parts(task_copy, missing):
    target = task_copy / missing
    shutil.rmtree(target) if target.is_dir() else target.unlink()
    with pytest.raises(InputError) as info:
        load_task(task_copy)
    assert missing.rstrip(".md").split("/")[0].lower() in str(info.value).lower()


def test_suite_reports_every_broken_task(task, tmp_path):
    for name in ("a", "b"):
        shutil.copytree(task.root, tmp_path / name)
        _edit(tmp_path / name, "repeats = 3", "repeats = -1")
    with pytest.raises(InputError) as info:
        load_suite(tmp_path)
    assert len(info.value.problems) == 2


def test_cli_malformed_task_exits_2_without_traceback(task_copy):
    _edit(task_copy, "timeout_s = 30", "timeout_s = 'soon'")
    done = run_assay("tasks", "list", str(task_copy))
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "task.toml: verify.timeout_s" in done.stderr and "fix:" in done.stderr


def test_cli_list_json():
    done = run_assay("tasks", "list", "repair", "--json")
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert any(r["id"] == "window-sums" for r in rows)


def test_cli_verify_exit_codes(task, tmp_path):
    failed = run_assay("verify", str(task.root), str(task.workspace), "--json", "--repeats", "1")
    assert failed.returncode == 1
    verdict = json.loads(failed.stdout)
    assert verdict["passed"] is False and verdict["schema"] == "assay.verdict.v1"
    ws = tmp_path / "ws"
    shutil.copytree(task.workspace, ws)
    shutil.copytree(task.solution, ws, dirs_exist_ok=True)
    assert run_assay("verify", str(task.root), str(ws)).returncode == 0
    assert run_assay("verify", str(task.root), str(tmp_path / "nope")).returncode == 2
    public = run_assay("verify", str(task.root), str(ws), "--public-only", "--json")
    assert json.loads(public.stdout)["hidden"]["total"] == 0


@pytest.mark.parametrize(
    ("path", "pattern", "expected"),
    [
        ("test_a.py", "test_*.py", True),
        ("pkg/test_a.py", "test_*.py", True),
        ("pkg/test_a.py", "tests/**", False),
        ("tests/deep/x.py", "tests/**", True),
        ("a/b/c.txt", "**/c.txt", True),
        ("c.txt", "**/c.txt", True),
        ("TEST_A.PY", "test_*.py", True),
        ("atest_a.py", "test_*.py", False),
    ],
)
def test_globs(path, pattern, expected):
    assert matches(path, pattern) is expected
