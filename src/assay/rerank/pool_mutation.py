"""``--origin mutation``: the reference solution and its failing single-point mutants.

Per problem (a task with one candidate module and a reference for it), in the problems'
sorted order: the reference is normalised (parsed and unparsed, as every mutant is, so
formatting and comments never tell the reference apart); its mutants come from
:mod:`assay.tasks.mutants` in the mutator's fixed order (source order, then operator order),
duplicates of the reference or of an earlier mutant skipped. The gate labels the reference
and the mutants in rounds, a window of ``pool_size − 1`` mutants per problem per round, all
problems' candidates at once; a problem is kept when the reference passes and at least
``pool_size − 1`` mutants fail: the pool holds the reference (``original_rank`` 0, ``ref``)
and the **first** ``pool_size − 1`` failing mutants in the mutator's order (``m<index>``,
ranks 1…). Mutants that pass (equivalent mutants) never enter the pool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from assay.records.verdict import Verdict
from assay.rerank.pool_build import Built, Made, labelled
from assay.tasks.digest import file_digests, folder_digest
from assay.tasks.load import Task
from assay.tasks.mutants import mutants, normalised
from assay.tasks.suite import load_suite, resolve_suite
from assay.verify.batch import Candidate, module_of, unverified, verify_batch
from assay.verify.function.executor import FunctionPool
from assay.verify.function.gate import read_source


@dataclass
class _Problem:
    task: Task
    reference: Made
    mutants: list[Made]
    ref_verdict: Verdict | None = None
    failing: list[tuple[Made, Verdict]] = field(default_factory=list)
    next: int = 0
    error: str = ""


def _prepare(task: Task, benchmark: str, built: Built) -> _Problem | None:
    module = module_of(task)
    if module is None:
        built.drop(benchmark, task.id, "no_reference", "the task has no single candidate module")
        return None
    source, why = read_source(task.solution / module)
    if source is None:
        built.drop(benchmark, task.id, "no_reference", why)
        return None
    try:
        ref = normalised(source)
        found = mutants(source)
    except (SyntaxError, ValueError, RecursionError) as exc:
        built.drop(benchmark, task.id, "unparsable_reference", f"{type(exc).__name__}: {exc}")
        return None
    seen = {ref}
    made = []
    for m in found:
        code = m.source + "\n"
        if code in seen:
            continue
        seen.add(code)
        made.append(Made(f"m{m.index:03d}", code, {"kind": m.kind, "line": m.line}))
    return _Problem(task, Made("ref", ref, {"kind": "reference"}), made)


def build_mutation(
    suite: str | Path,
    *,
    pool_size: int,
    seed: int,
    benchmark: str | None = None,
    pool: FunctionPool | None = None,
    repeats: int | None = None,
) -> Built:
    """Label and select the mutation pool of every task of ``suite`` (not yet shuffled)."""
    root = resolve_suite(suite)
    name = benchmark or root.name
    tasks = load_suite(suite)
    built = Built(
        origin="mutation",
        seed=seed,
        source=str(suite),
        pool_size=pool_size,
        suite_digest=folder_digest(file_digests(root)),
    )
    need = pool_size - 1
    problems = [p for t in tasks if (p := _prepare(t, name, built)) is not None]
    pending = problems
    first = True
    while pending:
        batch: list[tuple[_Problem, Made | None]] = []
        for p in pending:
            if first:
                batch.append((p, None))
            window = p.mutants[p.next : p.next + max(1, need - len(p.failing))]
            p.next += len(window)
            batch.extend((p, m) for m in window)
        verdicts = verify_batch(
            [Candidate(p.task, (m or p.reference).code) for p, m in batch],
            pool=pool,
            repeats=repeats,
        )
        for (p, m), v in zip(batch, verdicts, strict=True):
            if unverified(v):
                p.error = p.error or v.failure_excerpt
            elif m is None:
                p.ref_verdict = v
            elif not v.passed:
                p.failing.append((m, v))
        first = False
        pending = [
            p
            for p in pending
            if not p.error
            and p.ref_verdict is not None
            and p.ref_verdict.passed
            and len(p.failing) < need
            and p.next < len(p.mutants)
        ]
    for p in problems:
        _decide(p, name, need, built)
    return built


def _decide(p: _Problem, name: str, need: int, built: Built) -> None:
    tid = p.task.id
    if p.error:
        built.drop(name, tid, "verification_error", p.error[:500])
    elif p.ref_verdict is None or not p.ref_verdict.passed:
        why = ", ".join(p.ref_verdict.reasons) if p.ref_verdict else "not verified"
        built.drop(name, tid, "reference_failed", why)
    elif len(p.failing) < need:
        detail = f"{len(p.failing)} failing of {len(p.mutants)} mutants; {need} needed"
        built.drop(name, tid, "too_few_failing", detail)
    else:
        chosen = p.failing[:need]  # labelled in the mutator's order, window after window
        group = [
            labelled(
                name, tid, p.reference, p.ref_verdict, origin="mutation", rank=0, seed=built.seed
            )
        ]
        group += [
            labelled(name, tid, m, v, origin="mutation", rank=k, seed=built.seed)
            for k, (m, v) in enumerate(chosen, 1)
        ]
        built.problems[(name, tid)] = group
