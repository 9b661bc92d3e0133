"""Suite checks: each task is solvable (reference passes) and not already solved."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.tasks.load import Task


@dataclass(frozen=True)
class CheckResult:
    """The check of one task."""

    task_id: str
    reference_passed: bool
    workspace_passed: bool
    seconds: float
    problem: str
    verifier: str = "pytest"
    """``pytest`` (the gate) or ``function`` (the function-level runner)."""

    @property
    def ok(self) -> bool:
        """Solvable and not already solved."""
        return self.reference_passed and not self.workspace_passed

    def as_dict(self) -> dict[str, Any]:
        """Return the result as plain data."""
        return {
            "task": self.task_id,
            "reference_passed": self.reference_passed,
            "workspace_passed": self.workspace_passed,
            "seconds": round(self.seconds, 3),
            "problem": self.problem,
            "ok": self.ok,
            "verifier": self.verifier,
        }


def reference_workspace(task: Task, dest: Path) -> Path:
    """Lay the reference solution over a copy of the workspace in ``dest``."""
    shutil.copytree(task.workspace, dest)
    shutil.copytree(task.solution, dest, dirs_exist_ok=True)
    return dest


def check_task(task: Task) -> CheckResult:
    """Verify the reference (every repeat must pass) and the untouched workspace (must fail)."""
    from assay.verify.gate import verify

    if task.spec.verify.runner == "function":
        from assay.verify.function.check import check_function_task

        return check_function_task(task)
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="assay-check-") as tmp:
        ref = verify(task, reference_workspace(task, Path(tmp) / "ref"))
    untouched = verify(task, task.workspace, repeats=1)
    problem = ""
    if not ref.passed:
        problem = f"reference fails: {', '.join(ref.reasons)}; {ref.failure_excerpt[:300]}"
    elif untouched.passed:
        problem = "the untouched workspace already passes every test"
    return CheckResult(task.id, ref.passed, untouched.passed, time.monotonic() - start, problem)


def check_suite(tasks: list[Task]) -> list[CheckResult]:
    """Check every task of a suite (function-level tasks on the function runner)."""
    return [check_task(t) for t in tasks]
