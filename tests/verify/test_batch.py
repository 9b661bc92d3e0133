"""verify_batch: many candidates through the real gate, verdicts in order, failing closed."""

from __future__ import annotations

from assay.tasks.load import Task
from assay.verify.batch import Candidate, module_of, verify_batch
from assay.verify.gate import verify
from tests.conftest import GOOD_BODY
from tests.support.function import GOOD_ADD, add_task, fn_pool

__all__ = ["add_task", "fn_pool"]


def test_function_candidates_are_labelled_in_order_like_the_gate_one_by_one(
    add_task: Task, fn_pool, tmp_path
) -> None:
    sources = [
        GOOD_ADD,
        "def add(a, b):\n    return a - b\n",
        "def add(a, b):\n    return (\n",  # does not parse
        "def add(a, b):\n    return a + b if a != 0 else b\n",  # right on every input
        "import sys\ndef add(a, b):\n    sys.exit(3)\n",
    ]
    verdicts = verify_batch([Candidate(add_task, s) for s in sources], pool=fn_pool, repeats=1)
    assert [v.passed for v in verdicts] == [True, False, False, True, False]
    assert all(v.task_id == add_task.id and v.scope == "all" for v in verdicts)
    assert verdicts[1].tests and any(t.outcome == "failed" for t in verdicts[1].tests)
    # The same decision as the gate on a workspace written by hand.
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "solution.py").write_text(sources[1])
    (ws / "test_solution.py").write_bytes((add_task.workspace / "test_solution.py").read_bytes())
    alone = verify(add_task, ws, repeats=1)
    assert alone.passed == verdicts[1].passed
    assert [t.outcome for t in alone.tests] == [t.outcome for t in verdicts[1].tests]


def test_an_error_verifying_one_candidate_is_its_failed_verdict_not_a_crash(
    add_task: Task, fn_pool
) -> None:
    verdicts = verify_batch(
        [
            Candidate(add_task, GOOD_ADD, module="../escape.py"),
            Candidate(add_task, GOOD_ADD),
            Candidate(add_task, GOOD_ADD, module="/etc/x.py"),
        ],
        pool=fn_pool,
        repeats=1,
    )
    assert [v.passed for v in verdicts] == [False, True, False]
    for bad in (verdicts[0], verdicts[2]):
        assert bad.reasons == ["session_failed"] and "leaves the workspace" in bad.failure_excerpt
        assert bad.repeats == 0 and not bad.runs


def test_pytest_tasks_and_public_scope_run_bounded(task: Task) -> None:
    assert module_of(task) == "windows.py"
    good = (task.solution / "windows.py").read_text()
    broken = "def window_sums(values, size):\n    return []\n"
    verdicts = verify_batch(
        [Candidate(task, good), Candidate(task, broken), Candidate(task, "\n" + GOOD_BODY)],
        repeats=1,
        workers=2,
    )
    assert [v.passed for v in verdicts] == [True, False, True]
    assert verdicts[1].hidden.total > 0 and verdicts[1].hidden.passed < verdicts[1].hidden.total
    public = verify_batch([Candidate(task, broken)], scope="public", repeats=1)
    assert public[0].scope == "public" and not public[0].passed
