"""Paths from a task or a manifest stay inside their folder, or the input is refused (exit 2).

Issue 19, item 8: a task's ``prompt = "/abs/file"`` sent that file to the model, and a
manifest ``name = "../../../outside/x"`` wrote the run outside ``runs/``.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from assay.errors import InputError
from assay.tasks.load import load_task
from tests.conftest import run_assay
from tests.support.rundir import manifest_text

SECRET_LINE = "TOP-SECRET-LINE-not-for-models"


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the task holding a file no task may reach."""
    folder = tmp_path / "outside"
    (folder / "tests").mkdir(parents=True)
    (folder / "secret.md").write_text(SECRET_LINE + "\n")
    (folder / "tests" / "test_outside.py").write_text("def test_x():\n    assert True\n")
    return folder


@pytest.fixture
def task_copy(task, tmp_path: Path) -> Path:
    root = tmp_path / "suite" / "t"
    shutil.copytree(task.root, root)
    return root


def _edit(root: Path, old: str, new: str) -> None:
    toml = root / "task.toml"
    text = toml.read_text()
    assert old in text
    toml.write_text(text.replace(old, new))


def _escapes(outside: Path) -> list[tuple[str, str, str]]:
    """(old, new, field) edits of task.toml that point outside the task folder."""
    return [
        ('prompt = "PROMPT.md"', f'prompt = "{outside}/secret.md"', "prompt"),
        ('prompt = "PROMPT.md"', 'prompt = "../../outside/secret.md"', "prompt"),
        ('hidden_tests = "tests"', f'hidden_tests = "{outside}/tests"', "verify.hidden_tests"),
        ('hidden_tests = "tests"', 'hidden_tests = "../../outside/tests"', "verify.hidden_tests"),
    ]


def test_task_paths_outside_the_folder_are_refused(task_copy: Path, outside: Path) -> None:
    original = (task_copy / "task.toml").read_text()
    for old, new, field in _escapes(outside):
        (task_copy / "task.toml").write_text(original)
        _edit(task_copy, old, new)
        with pytest.raises(InputError) as info:
            load_task(task_copy)
        (problem,) = info.value.problems
        assert problem.field == field, (new, problem)
        assert "outside the task folder" in problem.message
        assert SECRET_LINE not in str(info.value)


@pytest.mark.parametrize("link", ["PROMPT.md", "tests", "workspace", "solution"])
def test_symlinks_out_of_the_task_folder_are_refused(
    task_copy: Path, outside: Path, link: str
) -> None:
    target = outside / ("secret.md" if link == "PROMPT.md" else "tests")
    path = task_copy / link
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()
    os.symlink(target, path)
    with pytest.raises(InputError) as info:
        load_task(task_copy)
    assert any("outside the task folder" in p.message for p in info.value.problems)


def test_a_symlink_inside_the_folder_is_fine(task_copy: Path) -> None:
    (task_copy / "PROMPT.md").rename(task_copy / "real-prompt.md")
    os.symlink("real-prompt.md", task_copy / "PROMPT.md")
    assert load_task(task_copy).prompt_text == (task_copy / "real-prompt.md").read_text()


def test_prompt_swapped_for_a_symlink_after_loading_is_not_read(
    task_copy: Path, outside: Path
) -> None:
    loaded = load_task(task_copy)
    (task_copy / "PROMPT.md").unlink()
    os.symlink(outside / "secret.md", task_copy / "PROMPT.md")
    with pytest.raises(InputError):
        _ = loaded.prompt_text


def test_cli_refuses_an_escaping_prompt_with_exit_2(task_copy: Path, outside: Path) -> None:
    _edit(task_copy, 'prompt = "PROMPT.md"', f'prompt = "{outside}/secret.md"')
    done = run_assay("tasks", "check", str(task_copy.parent))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "fix:" in done.stderr
    assert SECRET_LINE not in done.stdout + done.stderr


@pytest.mark.parametrize("name", ["../../../outside/x", "/tmp/abs-run", "a/b", ".hidden", ""])
def test_manifest_names_that_are_not_one_folder_name_are_refused(tmp_path: Path, name: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    manifest = work / "m.toml"
    manifest.write_text(
        manifest_text(["window-sums"]).replace('name = "mini-report"', f'name = "{name}"')
    )
    done = run_assay("run", str(manifest), "--quiet", cwd=work)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "name" in done.stderr
    assert sorted(p.name for p in work.iterdir()) == ["m.toml"]  # no runs/ folder made
    assert not Path("/tmp/abs-run").exists()
    assert not (tmp_path / "outside").exists()
