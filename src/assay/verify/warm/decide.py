"""From the signed lines of each run to the gate's :class:`~assay.verify.verdict.Verdict`.

The rules are the gate's: every expected test passed on every repeat, each session finished and
said so over the authenticated channel, no forged line, no tampering, no timeout, no unexpected
test. One rule is added: each test must reach exactly the asserts the reference reached.
"""

from __future__ import annotations

import base64
import signal
from dataclasses import dataclass, field
from typing import Any, Literal

from assay.sandbox.isolation import Isolation
from assay.verify import protocol
from assay.verify.verdict import Outcome, Reason, RunRecord, SuiteCount, TestResult, Verdict
from assay.verify.warm.jobs import FunctionJob
from assay.verify.warm.wire import RunReply

_WORST: tuple[Outcome, ...] = ("missing", "error", "failed", "xpassed", "xfailed", "skipped")
_EXCERPT = 4000
_OUTCOMES: dict[str, Outcome] = {o: o for o in (*_WORST, "passed")}


@dataclass
class RunView:
    """What one run reported over its channel, checked against its key."""

    record: RunRecord
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    asserts: dict[str, int] = field(default_factory=dict)
    """Asserts reached per test id, and per module path at module level."""
    collected: list[str] | None = None
    output: str = ""


def read_run(reply: RunReply, key: bytes, index: int) -> RunView:
    """Authenticate and parse the lines of one run."""
    record = RunRecord(
        index=index,
        returncode=reply.returncode if reply.returncode is not None else -1,
        signal=None,
        timed_out=reply.timed_out,
        duration_s=round(reply.duration_s, 4),
        finished=False,
        exitstatus=None,
        forged_lines=int(reply.overflow),
        tamper=[],
        collect_errors=[],
    )
    if reply.returncode is not None and reply.returncode < 0:
        record.signal = signal.Signals(-reply.returncode).name
    view = RunView(record=record, output=reply.output)
    if reply.error:
        view.output = f"the run did not start: {reply.error}\n{reply.output}"
    seq = 0
    for line in base64.b64decode(reply.stream).split(b"\n"):
        if not line.strip():
            continue
        msg = protocol.open_line(key, line) if len(line) <= protocol.MAX_LINE else None
        if msg is None:
            record.forged_lines += 1
            continue
        seq += 1
        if msg.get("seq") != seq or record.finished:
            record.tamper.append(f"message out of order: {msg.get('t')} #{msg.get('seq')}")
        _accept(view, msg)
    return view


def _accept(view: RunView, msg: dict[str, Any]) -> None:
    if msg.get("t") != "report":
        view.record.tamper.append(f"unknown message {msg.get('t')!r}")
        return
    rec = view.record
    rec.finished = True
    rec.exitstatus = int(msg.get("exitstatus", -1))
    rec.tamper.extend(str(t) for t in msg.get("tamper", []))
    view.collected = [str(i) for i in msg.get("collected", [])]
    for err in msg.get("collect_errors", []):
        rec.collect_errors.append(f"{err.get('id')}: {err.get('text', '')}"[-_EXCERPT:])
    for test in msg.get("tests", []):
        tid, outcome = str(test.get("id")), str(test.get("outcome"))
        if tid in view.outcomes:
            rec.tamper.append(f"test reported twice: {tid}")
        view.outcomes[tid] = _OUTCOMES.get(outcome, "error")
        if test.get("text"):
            view.texts[tid] = str(test["text"])
    view.asserts = {str(k): int(v) for k, v in dict(msg.get("asserts", {})).items()}


def _apply_counts(view: RunView, expected: dict[str, int]) -> None:
    """A test that passed without reaching the reference's asserts failed."""
    for where, want in expected.items():
        got = view.asserts.get(where, 0)
        if got == want:
            continue
        note = f"{got} of the reference's {want} asserts ran"
        if "::" not in where:
            view.record.collect_errors.append(f"{where}: module level: {note}")
        elif view.outcomes.get(where) == "passed":
            view.outcomes[where] = "failed"
            view.texts[where] = note


def _worst(outcomes: list[Outcome]) -> Outcome:
    for o in _WORST:
        if o in outcomes:
            return o
    return "passed"


@dataclass(frozen=True)
class Expectation:
    """What every run of a job must show: the tests (id → suite) and, if known, the counts."""

    suites: dict[str, Literal["public", "hidden"]]
    asserts: dict[str, int] | None


def expectation(job: FunctionJob) -> Expectation:
    """The expected tests of a job, from its plain test modules."""
    suites: dict[str, Literal["public", "hidden"]] = {}
    for source, plain in zip(job.tests, job.plain_modules(), strict=True):
        suites.update(dict.fromkeys(plain.test_ids(), source.suite))
    return Expectation(suites=suites, asserts=job.expected_asserts)


def decide(
    job: FunctionJob,
    want: Expectation,
    views: list[RunView],
    *,
    isolation: Isolation,
    duration: float,
) -> Verdict:
    """The verdict over every run of a job."""
    reasons: list[Reason] = []

    def flag(reason: Reason) -> None:
        if reason not in reasons:
            reasons.append(reason)

    if want.asserts is not None:
        for view in views:
            _apply_counts(view, want.asserts)
    tests: list[TestResult] = []
    flaky = False
    for tid, suite in want.suites.items():
        per = [v.outcomes.get(tid, "missing") for v in views]
        worst = _worst(per)
        flaky = flaky or len(set(per)) > 1
        tests.append(TestResult(id=tid, suite=suite, outcome=worst, per_repeat=per))
        if worst == "missing":
            flag("tests_missing")
        elif worst != "passed":
            flag("tests_failed")
    all_passed = all(t.outcome == "passed" for t in tests)
    for view in views:
        rec = view.record
        for cond, reason in (
            (rec.timed_out, "timeout"),
            (rec.forged_lines, "forged_messages"),
            (rec.tamper, "tampering"),
            (rec.collect_errors, "collect_error"),
            (not rec.finished, "session_incomplete"),
            (rec.finished and rec.exitstatus != 0 and all_passed, "session_failed"),
            (rec.returncode != 0 and all_passed, "nonzero_exit"),
            (
                view.collected is not None and set(view.collected) - set(want.suites),
                "unexpected_tests",
            ),
        ):
            if cond:
                flag(reason)  # type: ignore[arg-type]
    if flaky:
        flag("flaky")
    return Verdict(
        task_id=job.id,
        scope=job.scope,
        passed=not reasons,
        reasons=reasons,
        public=_count(tests, "public"),
        hidden=_count(tests, "hidden"),
        tests=tests,
        repeats=len(views),
        flaky=flaky,
        failure_excerpt=_excerpt(tests, views),
        duration_s=round(duration, 4),
        runs=[v.record for v in views],
        isolation=isolation,
        protected_changed=[],
        dropped_files=[],
        escaped_symlinks=[],
    )


def _count(tests: list[TestResult], suite: str) -> SuiteCount:
    mine = [t for t in tests if t.suite == suite]
    return SuiteCount(passed=sum(t.outcome == "passed" for t in mine), total=len(mine))


def _excerpt(tests: list[TestResult], views: list[RunView]) -> str:
    for t in tests:
        if t.outcome != "passed":
            for v in views:
                if t.id in v.texts:
                    return f"{t.id}:\n{v.texts[t.id]}"[-_EXCERPT:]
    for v in views:
        rec = v.record
        if rec.collect_errors:
            return rec.collect_errors[0][-_EXCERPT:]
        if not rec.finished or rec.tamper or rec.timed_out:
            return "\n".join(x for x in [*rec.tamper, v.output[-_EXCERPT:]] if x)[-_EXCERPT:]
    return ""
