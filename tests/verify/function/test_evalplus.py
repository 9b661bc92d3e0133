"""assay's function runner and EvalPlus 0.3.1's evaluator give the same MBPP+ verdicts.

Same inputs (the imported tasks' base and plus inputs), same candidates (each canonical
solution and its deterministic AST mutants), expectations from the same reference on each
side. The regular suite takes every 8th problem and 5 mutants each; the ``slow`` test takes
all 427 problems and 10 mutants each. Known, justified differences would be listed in
``KNOWN_DIFFERENCES`` (none remain on these sets).
"""

from __future__ import annotations

import pytest

from assay.tasks.suite import load_suite
from tests.support.evalplus import assay_statuses, cases, evalplus_python, evalplus_statuses
from tests.support.function import fn_pool, mbppplus_dir

__all__ = ["fn_pool", "mbppplus_dir"]

KNOWN_DIFFERENCES: dict[tuple[str, str], str] = {}
"""(task id, candidate label) → why the verdicts differ on purpose."""


def _python():
    py = evalplus_python()
    if py is None:
        pytest.skip("EvalPlus's venv is missing: run `make evalplus` (make test does)")
    return py


def _compare(tasks, per_task, fn_pool, tmp_path):
    all_cases = cases(tasks, per_task)
    ours = assay_statuses(all_cases, fn_pool, tmp_path)
    theirs, _ = evalplus_statuses(all_cases, _python())
    diff = {
        (c.task.id, c.label): (o, e)
        for c, o, e in zip(all_cases, ours, theirs, strict=True)
        if o != e and (c.task.id, c.label) not in KNOWN_DIFFERENCES
    }
    canonical = [o for c, o in zip(all_cases, ours, strict=True) if c.label == "canonical"]
    return all_cases, ours, diff, canonical


def test_same_verdicts_on_a_subset(mbppplus_dir, fn_pool, tmp_path):
    _python()
    tasks = load_suite(mbppplus_dir)[::8]
    all_cases, ours, diff, canonical = _compare(tasks, 5, fn_pool, tmp_path)
    assert len(all_cases) > 150
    assert diff == {}
    assert canonical == [(True, True)] * len(tasks)
    # Plus inputs catch mutants the base inputs miss.
    plus_only = [o for c, o in zip(all_cases, ours, strict=True) if c.label != "canonical"]
    assert sum(1 for b, p in plus_only if b and not p) >= 1


@pytest.mark.slow
def test_same_verdicts_on_all_427(mbppplus_dir, fn_pool, tmp_path):
    tasks = load_suite(mbppplus_dir)
    _, _, diff, canonical = _compare(tasks, 10, fn_pool, tmp_path)
    assert diff == {}
    assert canonical == [(True, True)] * len(tasks)
