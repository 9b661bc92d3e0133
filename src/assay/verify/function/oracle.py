"""Expected outputs: the reference solution run in the same sandbox as any candidate.

The reference is trusted data, not trusted code: it runs sandboxed like a candidate, twice
(its outputs must agree, or the task is nondeterministic), and its answers and times become
``expected.json``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assay.tasks.spec import FunctionSpec
from assay.verify.function import wire
from assay.verify.function.compare import Judge
from assay.verify.function.data import (
    SUITES,
    Expectation,
    FunctionExpected,
    FunctionInputs,
    sha256_text,
)
from assay.verify.function.executor import FunctionPool, Job, Run

REFERENCE_LIMIT_S = 20.0
"""Per-input limit for the reference (EvalPlus puts none on its trusted run)."""


@dataclass(frozen=True)
class Outcome:
    """The expectations, or why the reference could not give them."""

    expected: FunctionExpected | None
    problem: str


def reference_jobs(
    spec: FunctionSpec, source: str, inputs: Sequence[Any], memory_mb: int, limit_s: float
) -> Job:
    """The job that runs the reference on inputs (typed JSON argument lists)."""
    return Job(
        source=source,
        entry=spec.entry_point,
        inputs=list(inputs),
        limits_s=[limit_s] * len(inputs),
        memory_mb=memory_mb,
        import_s=REFERENCE_LIMIT_S,
        not_none=spec.compare == "not_none",
    )


def first_failure(run: Run, suite: str) -> str:
    """Describe the first input the reference did not answer ('' when it answered all)."""
    if run.load_error:
        return f"the reference does not load: {run.load_error}"
    for i, ans in enumerate(run.answers):
        if ans.kind != "value":
            return f"the reference fails on {suite} input {i}: {ans.kind} {ans.detail}".strip()
    return ""


def expectations(
    pool: FunctionPool,
    spec: FunctionSpec,
    source: str,
    inputs: FunctionInputs,
    memory_mb: int,
) -> Outcome:
    """Run the reference twice on every input; its answers (if steady) are the expectations."""
    jobs = [
        reference_jobs(spec, source, inputs.of(s), memory_mb, REFERENCE_LIMIT_S)
        for _ in range(2)
        for s in SUITES
    ]
    runs = pool.run(jobs)
    per_suite: dict[str, list[Expectation]] = {}
    for n, suite in enumerate(SUITES):
        first, second = runs[n], runs[len(SUITES) + n]
        problem = first_failure(first, suite) or first_failure(second, suite)
        if problem:
            return Outcome(None, problem)
        args = inputs.decoded(suite)
        judge = Judge(spec.compare, spec.atol)
        for i, (a, b) in enumerate(zip(first.answers, second.answers, strict=True)):
            if spec.compare != "any" and not judge.ok(b.value, a.value, args[i]):
                return Outcome(None, f"the reference is nondeterministic on {suite} input {i}")
        per_suite[suite] = [
            Expectation(out=wire.encode(a.value), time_s=round(min(a.time_s, b.time_s), 6))
            for a, b in zip(first.answers, second.answers, strict=True)
        ]
    return Outcome(
        FunctionExpected(
            inputs_sha256=inputs.digest(),
            reference_sha256=sha256_text(source),
            base=per_suite["base"],
            plus=per_suite["plus"],
        ),
        "",
    )
