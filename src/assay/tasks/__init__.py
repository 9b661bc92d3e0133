"""Tasks and suites: the ``task.toml`` format, loading with precise errors, bundled suites.

- ``spec``  — the ``task.toml`` schema (``assay.task.v1``);
- ``load``  — a task folder loaded and checked (:class:`Task`);
- ``suite`` — suites by name (bundled) or folder;
- ``globs`` — the glob rules of protected and public-test paths;
- ``check`` — a suite check's per-task result and the reference workspace it verifies.
"""

from assay.tasks.check import CheckResult, reference_workspace
from assay.tasks.load import Task, list_files, load_task
from assay.tasks.spec import Hazard, TaskSpec, VerifySpec
from assay.tasks.suite import BUNDLED_ROOT, load_suite

__all__ = [
    "BUNDLED_ROOT",
    "CheckResult",
    "Hazard",
    "Task",
    "TaskSpec",
    "VerifySpec",
    "list_files",
    "load_suite",
    "load_task",
    "reference_workspace",
]
