"""From the signed lines of each run to the gate's :class:`~assay.records.verdict.Verdict`.

The rules are the gate's: every expected test passed on every repeat, each session finished and
said so over the authenticated channel, no forged line, no tampering, no timeout, no unexpected
test. One rule is added: each test must reach exactly the asserts the reference reached.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from typing import Any, Literal

from assay.records.verdict import Isolation, RunRecord, Verdict
from assay.sandbox.process import signal_name
from assay.verify import decision, protocol
from assay.verify.decision import EXCERPT, OUTCOMES, RunEvidence
from assay.verify.warm.jobs import FunctionJob
from assay.verify.warm.wire import RunReply


def read_run(reply: RunReply, key: bytes, index: int) -> RunEvidence:
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
    if reply.returncode is not None:
        record.signal = signal_name(reply.returncode)
    view = RunEvidence(record=record, output=reply.output)
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


def _accept(view: RunEvidence, msg: dict[str, Any]) -> None:
    if msg.get("t") != "report":
        view.record.tamper.append(f"unknown message {msg.get('t')!r}")
        return
    rec = view.record
    rec.finished = True
    rec.exitstatus = int(msg.get("exitstatus", -1))
    rec.tamper.extend(str(t) for t in msg.get("tamper", []))
    view.collected = [str(i) for i in msg.get("collected", [])]
    for err in msg.get("collect_errors", []):
        rec.collect_errors.append(f"{err.get('id')}: {err.get('text', '')}"[-EXCERPT:])
    for test in msg.get("tests", []):
        tid, outcome = str(test.get("id")), str(test.get("outcome"))
        if tid in view.outcomes:
            rec.tamper.append(f"test reported twice: {tid}")
        view.outcomes[tid] = OUTCOMES.get(outcome, "error")
        if test.get("text"):
            view.texts[tid] = str(test["text"])
    view.asserts = {str(k): int(v) for k, v in dict(msg.get("asserts", {})).items()}


def _apply_counts(view: RunEvidence, expected: dict[str, int]) -> None:
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
    views: list[RunEvidence],
    *,
    isolation: Isolation,
    duration: float,
) -> Verdict:
    """The verdict over every run of a job: the gate's rule, after the assert counts."""
    if want.asserts is not None:
        for view in views:
            _apply_counts(view, want.asserts)
    return decision.decide(
        job.id, job.scope, want.suites, views, isolation=isolation, duration=duration
    )
