"""Suite checks: each task is solvable (its reference passes the gate) and not already solved."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from assay.tasks.check import CheckResult, reference_workspace
from assay.tasks.load import Task
from assay.verify.gate import verify


def check_task(task: Task) -> CheckResult:
    """Verify the reference (every repeat must pass) and the untouched workspace (must fail)."""
    if task.spec.verify.runner == "function":
        from assay.verify.function.check import check_function_task

        return check_function_task(task)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="assay-check-") as tmp:
        ref = verify(task, reference_workspace(task, Path(tmp) / "ref"))
    untouched = verify(task, task.workspace, repeats=1)
    problem = ""
    unsatisfiable = task.spec.unsatisfiable
    if unsatisfiable and ref.passed:
        # A declared contradiction in the tests means the reference must fail as well.
        problem = "declared unsatisfiable, but the reference passes every test"
    elif not unsatisfiable and not ref.passed:
        problem = f"reference fails: {', '.join(ref.reasons)}; {ref.failure_excerpt[:300]}"
    elif untouched.passed:
        problem = "the untouched workspace already passes every test"
    return CheckResult(
        task.id,
        ref.passed,
        untouched.passed,
        time.monotonic() - start,
        problem,
        unsatisfiable=unsatisfiable,
    )


def check_suite(tasks: list[Task]) -> list[CheckResult]:
    """Check every task of a suite (function-level tasks on the function runner)."""
    return [check_task(t) for t in tasks]
