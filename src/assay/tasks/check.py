"""A suite check's result per task, and the reference workspace a check verifies."""

from __future__ import annotations

import shutil
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
    unsatisfiable: bool = False
    """The task declares that no workspace can pass: its reference must fail as well."""

    @property
    def ok(self) -> bool:
        """Solvable (unsolvable when declared so) and not already solved."""
        return self.reference_passed != self.unsatisfiable and not self.workspace_passed

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
            "unsatisfiable": self.unsatisfiable,
        }


def reference_workspace(task: Task, dest: Path) -> Path:
    """Lay the reference solution over a copy of the workspace in ``dest``."""
    shutil.copytree(task.workspace, dest)
    shutil.copytree(task.solution, dest, dirs_exist_ok=True)
    return dest
