"""The gate for ``runner = "function"`` tasks: the candidate runs alone, the judge is here.

The candidate's module (one file, read without following links) goes to a sandbox slot
with the inputs; its answers come back as plain values and are compared here with the
reference's outputs under EvalPlus's rules. Nothing that decides the verdict — expected
values, the comparison, the verdict itself — ever exists in the candidate's process.
"""

from __future__ import annotations

import json
import os
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.errors import InputError
from assay.records.verdict import (
    FailureReason,
    Isolation,
    RunRecord,
    SuiteCount,
    TestOutcome,
    Verdict,
)
from assay.sandbox.servers import SlotError
from assay.tasks.load import Task
from assay.tasks.spec import FunctionSpec
from assay.verify import deps
from assay.verify.function import wire
from assay.verify.function.compare import Judge, equal_form_passes, is_floats
from assay.verify.function.data import (
    SUITES,
    FunctionExpected,
    FunctionInputs,
    read_expected,
    read_inputs,
    sha256_text,
)
from assay.verify.function.executor import Answer, FunctionPool, Job, Run, shared_pool

MAX_SOURCE_BYTES = 1024 * 1024


def fn_spec(task: Task) -> FunctionSpec:
    """The task's ``[verify.function]`` table (the task must be a function task)."""
    spec = task.spec.verify.function
    if spec is None:
        raise ValueError(f"{task.id} is not a function-level task")
    return spec


def read_source(path: Path) -> tuple[str | None, str]:
    """The module's text, or None and why (a link, not a regular file, too big, not UTF-8)."""
    try:
        st = os.lstat(path)
    except OSError:
        return None, f"{path.name} is missing"
    if not stat.S_ISREG(st.st_mode):
        return None, f"{path.name} is not a regular file"
    if st.st_size > MAX_SOURCE_BYTES:
        return None, f"{path.name} is larger than 1 MiB"
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(MAX_SOURCE_BYTES + 1)
    try:
        return data.decode("utf-8"), ""
    except UnicodeDecodeError:
        return None, f"{path.name} is not UTF-8"


@dataclass(frozen=True)
class Hidden:
    """A task's inputs and expectations, decoded once."""

    inputs: FunctionInputs
    expected: FunctionExpected
    outputs: dict[str, list[Any]]
    args: dict[str, list[list[Any]]]
    inputs_json: bytes = b""
    """Every input, base then plus, as the JSON list sent with each candidate."""
    known: tuple[Any, ...] = ()
    """Per input, the expected output's typed JSON where an equal answer passes as it is
    (:func:`~assay.verify.function.compare.equal_form_passes`), else None."""
    floats: dict[str, list[bool]] | None = None
    """Per suite and input: the expected output is floats (EvalPlus's tolerance switch)."""


_hidden_cache: dict[tuple[object, ...], Hidden] = {}


def _identity(path: Path) -> tuple[int, int, int, int] | None:
    """Device, inode, size and modification time of a file (None if it is missing)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def load_hidden(task: Task) -> Hidden:
    """Read inputs and expectations; fail with a fix if the expectations are missing or stale."""
    spec = fn_spec(task)
    in_path, exp_path = task.hidden_dir / spec.inputs, task.hidden_dir / spec.expected
    ref_path = task.solution / spec.module
    # Keyed by the files' identities and times, so a changed file is read again without
    # reading and hashing every file for every candidate.
    key = (str(task.root), *(_identity(p) for p in (in_path, exp_path, ref_path)))
    if key in _hidden_cache:
        return _hidden_cache[key]
    ref, why = read_source(ref_path)
    if ref is None:
        raise InputError.single(task.solution, spec.module, why, "add the reference module")
    inputs = read_inputs(in_path)
    expected = read_expected(exp_path)
    fix = "run `assay tasks check` on the task to compute the reference's outputs"
    if expected is None:
        raise InputError.single(exp_path, "", "expected outputs not computed yet", fix)
    if expected.inputs_sha256 != inputs.digest() or expected.reference_sha256 != sha256_text(ref):
        raise InputError.single(exp_path, "", "stale: inputs or reference changed", fix)
    for suite in SUITES:
        if len(expected.of(suite)) != len(inputs.of(suite)):
            raise InputError.single(exp_path, suite, "count differs from the inputs", fix)
    outputs: dict[str, list[Any]] = {
        s: [wire.decode(e.out) for e in expected.of(s)] for s in SUITES
    }
    known = []
    for e in (*expected.base, *expected.plus):
        text = json.dumps(e.out)
        known.append(e.out if equal_form_passes(spec.compare, text) else None)
    hidden = Hidden(
        inputs,
        expected,
        outputs,
        {s: inputs.decoded(s) for s in SUITES},
        json.dumps([*inputs.base, *inputs.plus]).encode(),
        tuple(known),
        {s: [is_floats(x) for x in outputs[s]] for s in SUITES},
    )
    _hidden_cache[key] = hidden
    return hidden


def limits(spec: FunctionSpec, expected: FunctionExpected) -> list[float]:
    """Per-input limits, base then plus: max(min_time_s, time_factor × reference time)."""
    times = [e.time_s for s in SUITES for e in expected.of(s)]
    return [max(spec.min_time_s, spec.time_factor * t) for t in times]


def judge_run(spec: FunctionSpec, hidden: Hidden, run: Run) -> list[tuple[str, TestOutcome, str]]:
    """(test id, outcome, note) per input: base inputs first, then plus."""
    out: list[tuple[str, TestOutcome, str]] = []
    answers = iter(run.answers)
    floats = hidden.floats or {s: [is_floats(x) for x in hidden.outputs[s]] for s in SUITES}
    for suite in SUITES:
        judge = Judge(spec.compare, spec.atol)
        for i, (exp, args) in enumerate(
            zip(hidden.outputs[suite], hidden.args[suite], strict=True)
        ):
            ans: Answer = next(answers)
            outcome: TestOutcome = "passed"
            note = ""
            if ans.matched:
                judge.matched(floats[suite][i])
            elif ans.kind == "value":
                if not judge.ok(ans.value, exp, args):
                    outcome, note = "failed", f"wrong answer: {repr(ans.value)[:120]}"
            elif ans.kind == "timeout":
                outcome, note = "error", "timed out"
            elif ans.kind == "missing":
                outcome, note = "missing", ans.detail
            else:
                outcome, note = "failed", f"{ans.kind}: {ans.detail}"
            out.append((f"{suite}/{i}", outcome, note))
    return out


def isolation(pool: FunctionPool | None, memory_mb: int) -> Isolation:
    """What the candidate's process had (recorded in the verdict); None: never started."""
    if pool is None:
        return Isolation(
            level="bwrap",
            unprivileged_uid=False,
            network_isolated=True,
            pid_namespace=True,
            readonly_system=True,
            hidden_paths=[],
            rlimits={},
            notes=["the candidate was not run (no module, or no function sandbox here)"],
        )
    notes = [
        "function runner: the candidate ran alone in a child forked by a stdlib-only server; "
        "tests, expected outputs and the verdict stayed in the trusted process",
        "only /usr, /lib*, /bin, /sbin and a few /etc files visible; private /tmp emptied "
        "after every candidate",
    ]
    if pool.uid_per_slot:
        notes.append(
            "each child ran as its slot's reserved uid, never its server's (the server: root "
            "with only setuid, setgid, kill, fowner and dac_override, no user namespace)"
        )
    else:
        notes.append("no unprivileged uid per slot (not root): process-count limit not enforced")
    if pool.dumpable:
        notes.append("the server could not make itself non-dumpable")
    return Isolation(
        level="bwrap",
        unprivileged_uid=pool.uid_per_slot,
        network_isolated=True,
        pid_namespace=True,
        readonly_system=True,
        hidden_paths=["/root", "/home", "/tmp", "/work", "/opt", "/srv", "/var", "/run"],
        rlimits={"memory_mb": memory_mb, "fsize_mb": 16, "nofile": 128, "nproc": 256},
        notes=notes,
    )


def _protected_changed(task: Task, ws: Path) -> list[str]:
    changed = []
    for rel in task.protected_files:
        mine, theirs = task.workspace / rel, ws / rel
        same = theirs.is_file() and not theirs.is_symlink()
        if not same or mine.read_bytes() != theirs.read_bytes():
            changed.append(rel)
    return changed


def verify_function(
    task: Task,
    workspace: str | Path,
    *,
    repeats: int | None = None,
    strict_protected: bool = True,
    pool: FunctionPool | None = None,
) -> Verdict:
    """Verify a candidate workspace of a function-level task (scope ``all``)."""
    ws = Path(workspace)
    start = time.monotonic()
    spec, v = fn_spec(task), task.spec.verify
    hidden = load_hidden(task)
    n = repeats or v.repeats
    source, why = read_source(ws / spec.module)
    total = len(hidden.inputs.base) + len(hidden.inputs.plus)
    if source is None:
        runs = [Run([Answer("missing", detail=why)] * total, why) for _ in range(n)]
        return _verdict(task, spec, hidden, runs, pool, ws, strict_protected, start)
    try:
        pool = pool or shared_pool(deps.site_for(v.dependencies))
    except (SlotError, deps.DependencyError) as exc:
        # Never a weaker path: without the sandbox the candidate is not run at all.
        why = f"the sandbox server was lost: function sandbox unavailable ({exc})"
        runs = [Run([Answer("missing", detail=why)] * total, why, [why]) for _ in range(n)]
        return _verdict(task, spec, hidden, runs, None, ws, strict_protected, start)
    job = Job(
        source=source,
        entry=spec.entry_point,
        inputs=[*hidden.inputs.base, *hidden.inputs.plus],
        limits_s=limits(spec, hidden.expected),
        memory_mb=v.memory_mb,
        not_none=spec.compare == "not_none",
        inputs_json=hidden.inputs_json,
        known=hidden.known,
    )
    runs = pool.run([job] * n)
    return _verdict(task, spec, hidden, runs, pool, ws, strict_protected, start)


def _verdict(  # noqa: PLR0917 - one private call site
    task: Task,
    spec: FunctionSpec,
    hidden: Hidden,
    runs: list[Run],
    pool: FunctionPool | None,
    ws: Path,
    strict_protected: bool,
    start: float,
) -> Verdict:
    judged = [judge_run(spec, hidden, r) for r in runs]
    rank = {"passed": 0, "failed": 1, "missing": 2, "error": 3}
    tests: list[dict[str, Any]] = []
    reasons, notes = set[FailureReason](), []
    flaky, passed = False, 0
    for i, (tid, _, _) in enumerate(judged[0]):
        per = [j[i][1] for j in judged]
        worst = max(per, key=lambda o: rank[o])
        # Plain dicts, validated with the verdict in one call (pydantic's core): a fraction of
        # building a model per input in Python.
        tests.append({"id": tid, "suite": "hidden", "outcome": worst, "per_repeat": per})
        flaky = flaky or any(o != per[0] for o in per)
        passed += worst == "passed"
        notes += [f"{tid}: {j[i][2]}" for j in judged if j[i][2]][:1]
    if passed < len(tests):
        reasons.add("tests_failed")
    if any("timeout" in r.problems for r in runs):
        reasons.add("timeout")
    if any(r.load_error for r in runs):
        reasons.add("collect_error")
    if any(p.startswith("the sandbox server was lost") for r in runs for p in r.problems):
        reasons.add("session_failed")
    if flaky:
        reasons.add("flaky")
    changed = _protected_changed(task, ws)
    if changed and strict_protected:
        reasons.add("protected_changed")
    load = next((r.load_error for r in runs if r.load_error), "")
    excerpt = "\n".join([load, *notes[:5]]).strip()
    records = [
        RunRecord(
            index=k + 1,
            returncode=0,
            signal=None,
            timed_out="timeout" in r.problems,
            duration_s=round(r.duration_s, 4),
            finished=not r.problems and not r.load_error,
            exitstatus=None,
            forged_lines=0,
            tamper=[],
            collect_errors=[r.load_error] if r.load_error else [],
        )
        for k, r in enumerate(runs)
    ]
    order: list[FailureReason] = [
        "tests_failed",
        "collect_error",
        "session_failed",
        "timeout",
        "flaky",
    ]
    ordered = [r for r in [*order, "protected_changed"] if r in reasons]
    return Verdict(
        task_id=task.id,
        scope="all",
        passed=not ordered,
        reasons=ordered,
        public=SuiteCount(passed=0, total=0),
        hidden=SuiteCount(passed=passed, total=len(tests)),
        tests=tests,
        repeats=len(runs),
        flaky=flaky,
        failure_excerpt=excerpt[:2000],
        duration_s=round(time.monotonic() - start, 4),
        runs=records,
        isolation=isolation(pool, task.spec.verify.memory_mb),
        protected_changed=changed,
        dropped_files=[],
        escaped_symlinks=[],
    )
