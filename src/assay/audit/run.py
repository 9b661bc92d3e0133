"""``assay audit SUITE``: how strong each task's tests are, through the real gate.

Per task with one candidate module (:func:`assay.verify.batch.module_of`), in phases that
each send every task's candidates through :func:`assay.verify.batch.verify_batch` at once:

1. the reference, ``repeats`` times (scope ``all``, one gate repeat each);
2. the untouched workspace, ``repeats`` times, likewise. The two are separate batches so a
   phase never interleaves the two: a hidden test whose outcome depends on how many times it
   ran before (see ``tests/audit``) shows its disagreement inside one phase;
3. every distinct mutant of the reference (:mod:`assay.tasks.mutants`, at most
   ``max_mutants``), scope ``all``, one gate repeat — for tasks whose reference passed;
4. the same mutants, scope ``public`` (the public tests alone).

A mutant is **killed** when its verdict fails; a verdict the gate could not produce at all
(the batch's fail-closed ``session_failed`` with no run) is an error, counted apart and left
out of the rate. Leakage is static (:mod:`assay.audit.leakage`).
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assay.audit.leakage import leakage
from assay.records.task_audit import Flakiness, KillRate, SuiteAudit, Survivor, TaskAudit
from assay.records.verdict import Verdict
from assay.tasks.load import Task
from assay.tasks.mutants import Mutant, mutants, normalised
from assay.tasks.suite import load_suite
from assay.verify.batch import Candidate, module_of, unverified, verify_batch
from assay.verify.function.executor import FunctionPool
from assay.verify.function.gate import read_source
from assay.verify.gate import Scope


@dataclass
class _Subject:
    task: Task
    module: str | None
    reference: str = ""
    workspace: str = ""
    reference_norm: str = ""
    mutants: list[Mutant] = field(default_factory=list)
    note: str = ""
    ref_runs: list[Verdict] = field(default_factory=list)
    ws_runs: list[Verdict] = field(default_factory=list)
    hidden: list[Verdict] = field(default_factory=list)
    public: list[Verdict] = field(default_factory=list)


def _prepare(task: Task, max_mutants: int | None) -> _Subject:
    module = module_of(task)
    subject = _Subject(task, module)
    if module is None:
        subject.note = "the task has no single candidate module: not audited"
        return subject
    source, why = read_source(task.solution / module)
    if source is None:
        subject.module = None
        subject.note = f"the reference cannot be read: {why}"
        return subject
    subject.reference = source
    current, _ = read_source(task.workspace / module)
    subject.workspace = current or ""
    try:
        subject.reference_norm = normalised(source)
        subject.mutants = distinct_mutants(source, max_mutants)
    except (SyntaxError, ValueError, RecursionError) as exc:
        subject.note = f"the reference does not parse, no mutants: {type(exc).__name__}: {exc}"
    return subject


def distinct_mutants(source: str, limit: int | None = None) -> list[Mutant]:
    """The mutator's mutants of ``source``, distinct from the reference and each other.

    In the mutator's order, at most ``limit``; a duplicate would count twice.
    """
    seen = {normalised(source)}
    out: list[Mutant] = []
    for m in mutants(source):
        if limit is not None and len(out) >= limit:
            break
        code = m.source + "\n"
        if code not in seen:
            seen.add(code)
            out.append(m)
    return out


def _batch(
    items: Sequence[tuple[_Subject, str]],
    scope: Scope,
    pool: FunctionPool | None,
    workers: int,
) -> list[Verdict]:
    cands = [Candidate(s.task, src, s.module) for s, src in items]
    return verify_batch(cands, scope=scope, repeats=1, pool=pool, workers=workers)


def _diff(subject: _Subject, m: Mutant) -> str:
    name = subject.module or "module"
    lines = difflib.unified_diff(
        subject.reference_norm.splitlines(keepends=True),
        (m.source + "\n").splitlines(keepends=True),
        fromfile=f"reference/{name}",
        tofile=f"m{m.index:03d}/{name}",
    )
    return "".join(lines)


def _kill(subject: _Subject, scope: Scope, verdicts: list[Verdict]) -> KillRate:
    errors = sum(unverified(v) for v in verdicts)
    counted = [(m, v) for m, v in zip(subject.mutants, verdicts, strict=True) if not unverified(v)]
    killed = sum(not v.passed for _, v in counted)
    survivors = [
        Survivor(mutant=f"m{m.index:03d}", line=m.line, kind=m.kind, diff=_diff(subject, m))
        for m, v in counted
        if v.passed
    ]
    return KillRate(
        scope=scope,
        mutants=len(counted),
        killed=killed,
        rate=round(killed / len(counted), 4) if counted else None,
        errors=errors,
        survivors=survivors,
    )


def _unstable(runs: Sequence[Verdict]) -> set[str]:
    outcomes: dict[str, set[str]] = {}
    for v in runs:
        for t in v.tests:
            outcomes.setdefault(t.id, set()).add(t.outcome)
    return {tid for tid, seen in outcomes.items() if len(seen) > 1}


def _flakiness(subject: _Subject, repeats: int) -> Flakiness:
    ref = [v.passed for v in subject.ref_runs]
    ws = [v.passed for v in subject.ws_runs]
    unstable = sorted(_unstable(subject.ref_runs) | _unstable(subject.ws_runs))
    disagree = len(set(ref)) > 1 or len(set(ws)) > 1
    flaky = disagree or bool(unstable) or any(v.flaky for v in subject.ref_runs + subject.ws_runs)
    return Flakiness(
        repeats=repeats,
        reference_passed=ref,
        workspace_passed=ws,
        unstable_tests=unstable,
        flaky=flaky,
    )


def _decide(subject: _Subject, repeats: int, min_kill: float | None) -> TaskAudit:
    task = subject.task
    runner = task.spec.verify.runner
    leak = leakage(task)
    if subject.module is None:
        return TaskAudit(
            task_id=task.id,
            runner=runner,
            module=None,
            reference_passes=False,
            workspace_fails=False,
            hidden=None,
            public=None,
            flakiness=None,
            leakage=leak,
            verify_s=0.0,
            audit_s=0.0,
            flagged=["not_audited"],
            note=subject.note,
        )
    every = subject.ref_runs + subject.ws_runs + subject.hidden + subject.public
    ref_ok = bool(subject.ref_runs) and all(v.passed for v in subject.ref_runs)
    ws_fails = bool(subject.ws_runs) and not any(v.passed for v in subject.ws_runs)
    hidden = _kill(subject, "all", subject.hidden) if ref_ok else None
    public = _kill(subject, "public", subject.public) if ref_ok else None
    flaky = _flakiness(subject, repeats)
    flags = []
    if not ref_ok:
        flags.append("reference_fails")
    if not ws_fails:
        flags.append("workspace_passes")
    if hidden and hidden.rate is not None and min_kill is not None and hidden.rate < min_kill:
        flags.append("below_min_kill")
    if flaky.flaky:
        flags.append("flaky")
    if leak.leak:
        flags.append("leak")
    times = [v.duration_s for v in subject.ref_runs]
    return TaskAudit(
        task_id=task.id,
        runner=runner,
        module=subject.module,
        reference_passes=ref_ok,
        workspace_fails=ws_fails,
        hidden=hidden,
        public=public,
        flakiness=flaky,
        leakage=leak,
        verify_s=round(sum(times) / len(times), 4) if times else 0.0,
        audit_s=round(sum(v.duration_s for v in every), 4),
        flagged=flags,
        note=subject.note,
    )


def audit_suite(
    suite: str | Path,
    *,
    repeats: int = 3,
    max_mutants: int | None = None,
    min_kill: float | None = None,
    pool: FunctionPool | None = None,
    workers: int = 2,
) -> SuiteAudit:
    """Audit every task of ``suite`` (a bundled name or a folder); see the module docstring."""
    start = time.monotonic()
    subjects = [_prepare(t, max_mutants) for t in load_suite(suite)]
    live = [s for s in subjects if s.module is not None]

    ref = _batch([(s, s.reference) for s in live for _ in range(repeats)], "all", pool, workers)
    ws = _batch([(s, s.workspace) for s in live for _ in range(repeats)], "all", pool, workers)
    for k, s in enumerate(live):
        s.ref_runs = ref[k * repeats : (k + 1) * repeats]
        s.ws_runs = ws[k * repeats : (k + 1) * repeats]

    passing = [s for s in live if s.ref_runs and all(v.passed for v in s.ref_runs)]
    items = [(s, m.source + "\n") for s in passing for m in s.mutants]
    for scope in ("all", "public"):
        verdicts = _batch(items, scope, pool, workers)
        at = 0
        for s in passing:
            got = verdicts[at : at + len(s.mutants)]
            at += len(s.mutants)
            if scope == "all":
                s.hidden = got
            else:
                s.public = got
    return SuiteAudit(
        suite=str(suite),
        repeats=repeats,
        max_mutants=max_mutants,
        min_kill=min_kill,
        tasks=[_decide(s, repeats, min_kill) for s in subjects],
        wall_s=round(time.monotonic() - start, 3),
    )
