"""Expected outputs for freshly imported function-level tasks, computed in the sandbox."""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

from assay.tasks.load import Task
from assay.verify.function.check import refresh_expected
from assay.verify.function.executor import FunctionPool


def compute_expected(tasks: Sequence[Task], pool: FunctionPool) -> dict[str, str]:
    """Write each function task's ``expected.json``; return the problems by task id."""
    mine = [t for t in tasks if t.spec.verify.runner == "function"]
    # Several tasks in flight keep every slot of the pool busy.
    with ThreadPoolExecutor(max_workers=pool.workers) as ex:
        problems = list(ex.map(lambda t: refresh_expected(t, pool), mine))
    return {t.id: p for t, p in zip(mine, problems, strict=True) if p}
