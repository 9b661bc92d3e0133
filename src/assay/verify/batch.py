"""Many candidates through the real gate at once: ``verify_batch(candidates) -> [Verdict]``.

Each candidate is one module's source for one task. It is written into its own temporary
workspace (a copy of the task's ``workspace/`` with the module replaced) and verified by the
ordinary gate, so a batch decides exactly what ``assay verify`` would, one by one. Function
tasks (scope ``all``) share one :class:`FunctionPool` and run on as many threads as it has
slots; pytest tasks (and every ``public`` scope) run ``workers`` at a time. It fails closed:
any error while verifying a candidate becomes a failed verdict saying why, never a crash of
the batch.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from assay.records.verdict import Isolation, SuiteCount, Verdict
from assay.tasks.load import Task, list_files
from assay.verify.function.executor import FunctionPool
from assay.verify.gate import Scope, verify


def module_of(task: Task) -> str | None:
    """The one file a candidate replaces, relative to ``workspace/``; None if not one file.

    A function task's ``[verify.function] module``; for a pytest task, its reference
    solution's only Python file (a solution of several files has no single module).
    """
    fn = task.spec.verify.function
    if task.spec.verify.runner == "function" and fn is not None:
        return fn.module
    files = [f for f in list_files(task.solution) if f.endswith(".py")]
    return files[0] if len(files) == 1 else None


@dataclass(frozen=True)
class Candidate:
    """One candidate: the source of ``module`` (default :func:`module_of`) for ``task``."""

    task: Task
    source: str
    module: str | None = None


def failed_verdict(task: Task, scope: Scope, why: str, start: float | None = None) -> Verdict:
    """A fail-closed verdict for a candidate that could not be verified (nothing decided)."""
    return Verdict(
        task_id=task.id,
        scope=scope,
        passed=False,
        reasons=["session_failed"],
        public=SuiteCount(passed=0, total=0),
        hidden=SuiteCount(passed=0, total=0),
        tests=[],
        repeats=0,
        flaky=False,
        failure_excerpt=why[:2000],
        duration_s=round(time.monotonic() - start, 4) if start is not None else 0.0,
        runs=[],
        isolation=Isolation(
            level="process",
            unprivileged_uid=False,
            network_isolated=False,
            pid_namespace=False,
            readonly_system=False,
            hidden_paths=[],
            rlimits={},
            notes=["the candidate was not verified: " + why[:300]],
        ),
        protected_changed=[],
        dropped_files=[],
        escaped_symlinks=[],
    )


def unverified(verdict: Verdict) -> bool:
    """The gate could not run the candidate at all (a :func:`failed_verdict` of the batch)."""
    return verdict.repeats == 0 and not verdict.runs


def _safe_module(module: str | None) -> str:
    if not module:
        raise ValueError("the task has no single candidate module")
    rel = PurePosixPath(module)
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        raise ValueError(f"module path {module!r} leaves the workspace")
    return rel.as_posix()


def _one(
    cand: Candidate, scope: Scope, repeats: int | None, pool: FunctionPool | None, tmp: Path
) -> Verdict:
    start = time.monotonic()
    task = cand.task
    try:
        module = _safe_module(cand.module or module_of(task))
        ws = Path(tempfile.mkdtemp(prefix="cand-", dir=tmp))
        try:
            shutil.copytree(task.workspace, ws, symlinks=True, dirs_exist_ok=True)
            target = ws / module
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_symlink():
                target.unlink()
            target.write_text(cand.source, encoding="utf-8")
            if task.spec.verify.runner == "function" and scope == "all":
                from assay.verify.function.gate import verify_function

                return verify_function(task, ws, repeats=repeats, pool=pool)
            return verify(task, ws, scope=scope, repeats=repeats)
        finally:
            shutil.rmtree(ws, ignore_errors=True)
    except Exception as exc:
        return failed_verdict(task, scope, f"{type(exc).__name__}: {exc}", start)


def verify_batch(
    candidates: Sequence[Candidate],
    *,
    scope: Scope = "all",
    repeats: int | None = None,
    pool: FunctionPool | None = None,
    workers: int = 2,
) -> list[Verdict]:
    """Verify every candidate through the gate; one verdict per candidate, in order.

    ``pool`` is the function sandbox pool to share (default: the process-wide one);
    ``workers`` bounds the pytest-task verifications running at once.
    """
    fast = [
        i
        for i, c in enumerate(candidates)
        if scope == "all" and c.task.spec.verify.runner == "function"
    ]
    fast_set = set(fast)
    slow = [i for i in range(len(candidates)) if i not in fast_set]
    out: list[Verdict | None] = [None] * len(candidates)
    threads = pool.workers if pool is not None else 2 * max(1, workers)
    with tempfile.TemporaryDirectory(prefix="assay-batch-") as tmp:
        root = Path(tmp)
        for indices, n in ((fast, threads), (slow, max(1, workers))):
            if not indices:
                continue
            with ThreadPoolExecutor(max_workers=n) as ex:
                done = ex.map(lambda i: _one(candidates[i], scope, repeats, pool, root), indices)
                for i, verdict in zip(indices, done, strict=True):
                    out[i] = verdict
    return [
        v if v is not None else failed_verdict(candidates[i].task, scope, "not verified")
        for i, v in enumerate(out)
    ]
