"""``assay audit`` on three imported HumanEval problems (function tasks, the shared pool)."""

from __future__ import annotations

import shutil

import pytest

from assay.records.task_audit import SuiteAudit
from tests.conftest import run_assay
from tests.support.function import fn_pool, humaneval_dir

__all__ = ["fn_pool", "humaneval_dir"]

PROBLEMS = ["humaneval-1", "humaneval-3", "humaneval-53"]
"""Two function tasks, and ``add`` (a pytest task: its hidden check draws random inputs)."""
MAX_MUTANTS = 6


@pytest.fixture(scope="module")
def audit(tmp_path_factory, humaneval_dir) -> SuiteAudit:
    suite = tmp_path_factory.mktemp("he-audit") / "humaneval"
    suite.mkdir()
    for name in PROBLEMS:
        shutil.copytree(humaneval_dir / name, suite / name)
    done = run_assay(
        "audit", str(suite), "--json", "--repeats", "2", "--max-mutants", str(MAX_MUTANTS)
    )
    assert done.returncode in {0, 1}, done.stderr
    return SuiteAudit.model_validate_json(done.stdout)


def test_kill_rates_per_problem(audit: SuiteAudit) -> None:
    by = {t.task_id: t for t in audit.tasks}
    assert sorted(by) == PROBLEMS
    for t in audit.tasks:
        assert t.reference_passes and t.workspace_fails, t.task_id
        assert t.hidden is not None and t.public is not None
        assert 1 <= t.hidden.mutants <= MAX_MUTANTS and t.hidden.errors == 0
        assert t.hidden.rate == round(t.hidden.killed / t.hidden.mutants, 4)
        assert len(t.hidden.survivors) == t.hidden.mutants - t.hidden.killed
        assert t.flakiness is not None and not t.flakiness.flaky
        assert not t.leakage.leak
    assert [t.runner for t in audit.tasks] == ["function", "function", "pytest"]
    # One docstring example of separate_paren_groups is a hidden input, verbatim.
    assert by["humaneval-1"].leakage.leaked == ["('( ) (( )) (( )( ))',)"]
    # add(x, y) = x + y has one mutant, x - y, which the hidden inputs kill.
    add = by["humaneval-53"].hidden
    assert add is not None and (add.mutants, add.killed) == (1, 1)
    # below_zero: the docstring examples (public) let half the mutants through, the hidden
    # inputs none.
    zero = by["humaneval-3"]
    assert zero.hidden is not None and zero.public is not None
    assert zero.hidden.rate == 1.0 and zero.public.rate == 0.5
    assert len(zero.public.survivors) == 3 and all(s.diff for s in zero.public.survivors)
