"""The fast path and the pytest gate give the same verdicts on the same workspaces."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from assay.tasks.check import reference_workspace
from assay.tasks.load import Task, load_task
from assay.verify.gate import verify
from assay.verify.warm.tasks import verify_tasks
from tests.support.warm import humaneval_dir, warm_pool

__all__ = ["humaneval_dir", "warm_pool"]

TASKS = ["humaneval-0", "humaneval-32", "humaneval-33", "humaneval-41", "humaneval-47"]
_FLIP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}


def mutate(source: str) -> str:
    """Flip the first comparison, else turn + into -, else return None: a wrong answer."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIP:
            node.ops[0] = _FLIP[type(node.ops[0])]()
            return ast.unparse(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            node.op = ast.Sub()
            return ast.unparse(tree)
    returns = [n for n in ast.walk(tree) if isinstance(n, ast.Return)]
    returns[-1].value = ast.Constant(None)
    return ast.unparse(tree)


# Adds a test function to the test module that imports the candidate: pytest collects it.
PLANT_TEST = """
import sys
_f = sys._getframe()
while _f is not None:
    if _f.f_globals.get("__name__", "").rsplit(".", 1)[-1].startswith("test_"):
        _f.f_globals["test_planted"] = lambda: None
        break
    _f = _f.f_back
"""


def _candidates(task: Task, root: Path) -> dict[str, Path]:
    ref = reference_workspace(task, root / "reference")
    source = (ref / "solution.py").read_text()
    made: dict[str, Path] = {"reference": ref, "untouched": task.workspace}

    def variant(name: str, solution: str, extra: dict[str, str] | None = None) -> None:
        ws = root / name
        shutil.copytree(ref, ws)
        (ws / "solution.py").write_text(solution)
        for rel, text in (extra or {}).items():
            (ws / rel).write_text(text)
        made[name] = ws

    variant("mutant", mutate(source))
    variant("forged_exit", "import os\nprint('1 passed')\nos._exit(0)\n" + source)
    variant("builtins", "import builtins\nbuiltins.len = len\nbuiltins.print = len\n" + source)
    variant("edited_test", source, {"test_solution.py": "def test_nothing():\n    pass\n"})
    variant("planted_conftest", source, {"conftest.py": "raise SystemExit(0)\n"})
    variant("planted_test", PLANT_TEST + source)
    return made


@pytest.mark.parametrize("task_id", TASKS)
def test_same_verdicts_as_the_gate(humaneval_dir, warm_pool, tmp_path, task_id):
    task = load_task(humaneval_dir / task_id)
    cands = _candidates(task, tmp_path)
    warm = verify_tasks([(task, ws) for ws in cands.values()], warm_pool, repeats=1)
    for (name, ws), fast in zip(cands.items(), warm, strict=True):
        assert fast is not None, name
        gate = verify(task, ws, repeats=1)
        assert fast.passed == gate.passed, (name, fast.reasons, gate.reasons)
        assert [t.id for t in fast.tests] == [t.id for t in gate.tests], name
        if name in ("reference", "untouched", "mutant"):
            assert [t.outcome for t in fast.tests] == [t.outcome for t in gate.tests], name
        assert fast.protected_changed == gate.protected_changed
        assert fast.dropped_files == gate.dropped_files
    expected = {
        "reference": True,
        "untouched": False,
        "forged_exit": False,
        "builtins": False,
        "edited_test": False,
        "planted_conftest": True,
        "planted_test": False,
    }
    assert {n: v.passed for n, v in zip(cands, warm, strict=True) if n in expected} == expected


def test_public_scope_agrees(humaneval_dir, warm_pool, tmp_path):
    task = load_task(humaneval_dir / "humaneval-0")
    workspaces = [reference_workspace(task, tmp_path / "ref"), task.workspace]
    warm = verify_tasks([(task, ws) for ws in workspaces], warm_pool, scope="public", repeats=1)
    for ws, fast in zip(workspaces, warm, strict=True):
        gate = verify(task, ws, scope="public", repeats=1)
        assert fast is not None and fast.scope == "public" and fast.hidden.total == 0
        assert (fast.passed, fast.public) == (gate.passed, gate.public)


def _plain_bundled() -> list[str]:
    from assay.tasks.suite import load_suite
    from assay.verify.warm.tasks import reference_job

    return [t.id for t in load_suite("repair") if reference_job(t) is not None]


@pytest.mark.parametrize("task_id", _plain_bundled())
def test_bundled_plain_tasks_agree_too(warm_pool, tmp_path, task_id):
    from assay.tasks.suite import BUNDLED_ROOT

    task = load_task(BUNDLED_ROOT / "repair" / task_id)
    workspaces = [reference_workspace(task, tmp_path / "ref"), task.workspace]
    naive = task.root / "naive"
    if naive.is_dir():
        shutil.copytree(task.workspace, tmp_path / "naive")
        shutil.copytree(naive, tmp_path / "naive", dirs_exist_ok=True)
        workspaces.append(tmp_path / "naive")
    warm = verify_tasks([(task, ws) for ws in workspaces], warm_pool, repeats=1)
    for ws, fast in zip(workspaces, warm, strict=True):
        assert fast is not None
        gate = verify(task, ws, repeats=1)
        assert fast.passed == gate.passed, (ws.name, fast.reasons, gate.reasons)
        assert [(t.id, t.outcome) for t in fast.tests] == [(t.id, t.outcome) for t in gate.tests]
