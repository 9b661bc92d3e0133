"""Function-level tasks on the fast path: jobs from task folders, reference calibration, checks.

A task qualifies when all of its staged test modules are plain (see :mod:`.instrument`) and
its files are text. The candidate workspace is staged exactly as the gate stages it (protected
files restored, planted files dropped, symlinks not followed), so the verdicts agree; the
reference solution is run first to learn how many asserts each test reaches.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from assay.records.verdict import Verdict
from assay.sandbox.isolation import interpreter_paths
from assay.tasks.check import CheckResult, reference_workspace
from assay.tasks.load import Task, list_files
from assay.tasks.suite import BUNDLED_ROOT
from assay.verify.stage import HIDDEN_DIR, Staged, stage
from assay.verify.warm.fs import fast_scratch
from assay.verify.warm.instrument import NotPlainError, imported_modules, module_name
from assay.verify.warm.jobs import FunctionJob, ModuleSource
from assay.verify.warm.link import WarmUnavailableError
from assay.verify.warm.pool import WarmPool

Scope = Literal["all", "public"]
_MAX_BYTES = 8 * 1024 * 1024
_calibrations: dict[tuple[str, str, Scope], Calibration] = {}


@dataclass(frozen=True)
class StagedJob:
    """A fast-path job built from a staged workspace, with what staging found."""

    job: FunctionJob
    staged: Staged


@dataclass(frozen=True)
class Calibration:
    """The reference solution's run: its verdict and, if it passed steadily, its assert counts."""

    verdict: Verdict
    asserts: dict[str, int] | None
    problem: str


def _read_staged(staged: Staged) -> tuple[dict[str, str], list[ModuleSource]] | None:
    tests = {*staged.test_files, f"{HIDDEN_DIR}/pytest.ini"}
    files: dict[str, str] = {}
    total = 0
    for rel in list_files(staged.root):
        if rel in tests:
            continue
        data = (staged.root / rel).read_bytes()
        total += len(data)
        try:
            files[rel] = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if total > _MAX_BYTES:
        return None
    modules = [
        ModuleSource(
            path=rel,
            source=(staged.root / rel).read_text(encoding="utf-8"),
            suite="hidden" if rel.startswith(HIDDEN_DIR + "/") else "public",
        )
        for rel in staged.test_files
    ]
    return files, modules


def _plain(modules: list[ModuleSource]) -> bool:
    """All modules are plain and none imports another (they are never written to disk)."""
    names = {module_name(m.path) for m in modules} | {Path(m.path).stem for m in modules}
    try:
        for m in modules:
            m.plain()
            if imported_modules(m.source) & names:
                return False
    except NotPlainError:
        return False
    return True


def function_job(
    task: Task,
    workspace: str | Path,
    *,
    scope: Scope = "all",
    repeats: int | None = None,
    expected_asserts: dict[str, int] | None = None,
) -> StagedJob | None:
    """Stage a workspace as the gate does and build its job; ``None`` if it needs pytest."""
    v = task.spec.verify
    with fast_scratch("assay-warm-stage-") as tmp:
        staged = stage(task, Path(workspace), tmp, hidden=scope == "all")
        read = _read_staged(staged)
    if read is None or not _plain(read[1]):
        return None
    files, modules = read
    job = FunctionJob(
        id=task.id,
        files=files,
        tests=modules,
        expected_asserts=expected_asserts,
        repeats=repeats or v.repeats,
        timeout_s=v.timeout_s,
        memory_mb=v.memory_mb,
        scope=scope,
    )
    return StagedJob(job=job, staged=staged)


def _with_staging(verdict: Verdict, staged: Staged, *, strict_protected: bool) -> Verdict:
    """Add what the gate adds from staging: changed protected files, dropped files, links."""
    reasons = list(verdict.reasons)
    if staged.protected_changed and strict_protected and "protected_changed" not in reasons:
        reasons.append("protected_changed")
    return verdict.model_copy(
        update={
            "reasons": reasons,
            "passed": not reasons,
            "protected_changed": list(staged.protected_changed),
            "dropped_files": list(staged.dropped),
            "escaped_symlinks": list(staged.escaped_links),
        }
    )


def reference_job(task: Task, *, scope: Scope = "all") -> StagedJob | None:
    """The job of the task's reference solution; ``None`` if the task needs pytest."""
    with fast_scratch("assay-warm-ref-") as tmp:
        return function_job(task, reference_workspace(task, tmp / "ref"), scope=scope)


def calibrate(
    tasks: Sequence[Task], pool: WarmPool, *, scope: Scope = "all"
) -> dict[str, Calibration]:
    """Run each function-level task's reference (every repeat); others are left out."""
    out: dict[str, Calibration] = {}
    todo: list[tuple[Task, tuple[str, str, Scope], StagedJob]] = []
    for task in tasks:
        key = (str(task.root), task.content_hash(), scope)
        if key in _calibrations:
            out[task.id] = _calibrations[key]
            continue
        built = reference_job(task, scope=scope)
        if built is not None:
            todo.append((task, key, built))
    outcomes = pool.verify([b.job for _, _, b in todo])
    for (task, key, built), outcome in zip(todo, outcomes, strict=True):
        verdict = _with_staging(outcome.verdict, built.staged, strict_protected=True)
        counts = [run.asserts for run in outcome.runs]
        problem = ""
        if not verdict.passed:
            excerpt = verdict.failure_excerpt[:300]
            problem = f"reference fails: {', '.join(verdict.reasons)}; {excerpt}"
        elif any(c != counts[0] for c in counts):
            problem = "reference fails: its assert counts differ between repeats (nondeterministic)"
        cal = Calibration(verdict, None if problem else counts[0], problem)
        _calibrations[key] = out[task.id] = cal
    return out


def verify_tasks(
    items: Sequence[tuple[Task, str | Path]],
    pool: WarmPool,
    *,
    scope: Scope = "all",
    repeats: int | None = None,
    strict_protected: bool = True,
) -> list[Verdict | None]:
    """Verify candidate workspaces on the fast path; ``None`` where the gate must do it.

    A task whose reference does not pass steadily has no assert counts to hold a candidate
    to, so it is left to the gate too.
    """
    cals = calibrate([t for t, _ in items], pool, scope=scope)
    built: list[StagedJob | None] = []
    for task, ws in items:
        counts = cals[task.id].asserts if task.id in cals else None
        job = None
        if counts is not None:
            job = function_job(task, ws, scope=scope, repeats=repeats, expected_asserts=counts)
        built.append(job)
    outcomes = iter(pool.verify([b.job for b in built if b is not None]))
    return [
        None
        if b is None
        else _with_staging(next(outcomes).verdict, b.staged, strict_protected=strict_protected)
        for b in built
    ]


def pool_for(tasks: Sequence[Task]) -> WarmPool:
    """A pool whose sandbox masks every task folder it could otherwise see."""
    bound = [Path(p) for p in interpreter_paths()]
    roots = [BUNDLED_ROOT, *(t.root for t in tasks)]
    masks = sorted({r for r in roots if r.exists() and any(r.is_relative_to(b) for b in bound)})
    ceiling = max([4096, *(t.spec.verify.memory_mb for t in tasks)])
    return WarmPool(masks=masks, memory_ceiling_mb=ceiling)


def check_function_tasks(
    tasks: Sequence[Task], pool: WarmPool | None = None
) -> dict[str, CheckResult]:
    """Check the function-level tasks of a suite; the others are absent from the result.

    Without a pool one is started, only if some task qualifies; if none can start here, the
    result is empty and every task goes to the gate.
    """
    if pool is None:
        mine = [t for t in tasks if reference_job(t) is not None]
        if not mine:
            return {}
        try:
            with pool_for(mine) as own:
                return check_function_tasks(mine, own)
        except WarmUnavailableError:
            return {}
    cals = calibrate(tasks, pool)
    mine = [t for t in tasks if t.id in cals]
    untouched: dict[str, Verdict] = {}
    todo: list[tuple[Task, StagedJob]] = []
    for task in mine:
        built = function_job(
            task, task.workspace, repeats=1, expected_asserts=cals[task.id].asserts
        )
        if built is not None:
            todo.append((task, built))
    for (task, built), outcome in zip(todo, pool.verify([b.job for _, b in todo]), strict=True):
        untouched[task.id] = _with_staging(outcome.verdict, built.staged, strict_protected=True)
    results: dict[str, CheckResult] = {}
    for task in mine:
        cal, ws = cals[task.id], untouched.get(task.id)
        if ws is None:
            continue
        problem = cal.problem
        if not problem and ws.passed:
            problem = "the untouched workspace already passes every test"
        results[task.id] = CheckResult(
            task_id=task.id,
            reference_passed=cal.asserts is not None,
            workspace_passed=ws.passed,
            seconds=cal.verdict.duration_s + ws.duration_s,
            problem=problem,
            verifier="warm",
        )
    return results
