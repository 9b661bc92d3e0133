"""``assay tasks check`` for function-level tasks: (re)compute and re-check expectations.

The reference runs in the sandbox on every input. Missing or stale expectations (their
inputs or reference changed) are written; fresh ones must agree with this new run under the
task's comparison, or the check reports the disagreement. Then the reference must pass and
the untouched workspace must fail, as for any task.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from assay.tasks.check import CheckResult, reference_workspace
from assay.tasks.load import Task
from assay.verify.function import wire
from assay.verify.function.compare import Judge
from assay.verify.function.data import SUITES, read_expected, read_inputs, sha256_text, write_json
from assay.verify.function.executor import FunctionPool, shared_pool
from assay.verify.function.gate import fn_spec, read_source, verify_function
from assay.verify.function.oracle import expectations


def refresh_expected(task: Task, pool: FunctionPool) -> str:
    """Compute the reference's outputs; write them if missing or stale; '' or the problem."""
    spec = fn_spec(task)
    source, why = read_source(task.solution / spec.module)
    if source is None:
        return f"reference: {why}"
    inputs = read_inputs(task.hidden_dir / spec.inputs)
    outcome = expectations(pool, spec, source, inputs, task.spec.verify.memory_mb)
    if outcome.expected is None:
        return outcome.problem
    path = task.hidden_dir / spec.expected
    stored = read_expected(path)
    fresh = stored is not None and (
        stored.inputs_sha256 == inputs.digest() and stored.reference_sha256 == sha256_text(source)
    )
    if stored is None or not fresh:
        write_json(path, outcome.expected)
        return ""
    for suite in SUITES:
        judge = Judge(spec.compare, spec.atol)
        args = inputs.decoded(suite)
        pairs = zip(stored.of(suite), outcome.expected.of(suite), strict=True)
        for i, (old, new) in enumerate(pairs):
            if spec.compare != "any" and not judge.ok(
                wire.decode(new.out), wire.decode(old.out), args[i]
            ):
                return f"{spec.expected} disagrees with the reference on {suite} input {i}"
    return ""


def check_function_task(task: Task, pool: FunctionPool | None = None) -> CheckResult:
    """Check one function-level task (expectations, reference passes, workspace fails)."""
    pool = pool or shared_pool()
    start = time.monotonic()
    problem = refresh_expected(task, pool)
    if problem:
        return CheckResult(task.id, False, False, time.monotonic() - start, problem, "function")
    with tempfile.TemporaryDirectory(prefix="assay-check-") as tmp:
        ref = verify_function(task, reference_workspace(task, Path(tmp) / "ref"), pool=pool)
    untouched = verify_function(task, task.workspace, repeats=1, pool=pool)
    if not ref.passed:
        problem = f"reference fails: {', '.join(ref.reasons)}; {ref.failure_excerpt[:300]}"
    elif untouched.passed:
        problem = "the untouched workspace already passes every test"
    seconds = time.monotonic() - start
    return CheckResult(task.id, ref.passed, untouched.passed, seconds, problem, "function")
