"""The pass rule of the gate, shared by every verification path.

A verdict passes only when every expected test passed on every repeat, each session
finished and said so over the authenticated channel with exit status 0, no forged line
arrived, nothing was tampered with, no run timed out, no unexpected test appeared, and (with
``strict_protected``) no protected file was changed. Kept in one place so that the pytest
gate's executors cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from assay.records.verdict import (
    FailureReason,
    Isolation,
    RunRecord,
    SuiteCount,
    TestOutcome,
    TestResult,
    Verdict,
)

WORST_FIRST: tuple[TestOutcome, ...] = (
    "missing",
    "error",
    "failed",
    "xpassed",
    "xfailed",
    "skipped",
)
OUTCOMES: dict[str, TestOutcome] = {o: o for o in (*WORST_FIRST, "passed")}
EXCERPT = 4000
Suite = Literal["public", "hidden"]


@dataclass
class RunEvidence:
    """What one run reported over its authenticated channel, with its exit data."""

    record: RunRecord
    outcomes: dict[str, TestOutcome] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    collected: list[str] | None = None
    output: str = ""
    """The run's clipped stderr (or combined output): shown only when nothing better is."""


@dataclass(frozen=True)
class Staging:
    """What preparing the verification folder found in the candidate workspace."""

    protected_changed: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    escaped_links: list[str] = field(default_factory=list)


def worst(outcomes: list[TestOutcome]) -> TestOutcome:
    """The worst of a test's outcomes over the repeats (``passed`` only if all passed)."""
    for o in WORST_FIRST:
        if o in outcomes:
            return o
    return "passed"


def decide(
    task_id: str,
    scope: Literal["all", "public"],
    expected: Mapping[str, Suite],
    runs: list[RunEvidence],
    *,
    isolation: Isolation,
    duration: float,
    staging: Staging = Staging(),
    strict_protected: bool = True,
) -> Verdict:
    """The verdict over every run of one verification."""
    reasons: list[FailureReason] = []

    def flag(reason: FailureReason) -> None:
        if reason not in reasons:
            reasons.append(reason)

    tests: list[TestResult] = []
    flaky = False
    for tid, suite in expected.items():
        per = [r.outcomes.get(tid, "missing") for r in runs]
        w = worst(per)
        flaky = flaky or len(set(per)) > 1
        tests.append(TestResult(id=tid, suite=suite, outcome=w, per_repeat=per))
        if w == "missing":
            flag("tests_missing")
        elif w != "passed":
            flag("tests_failed")
    all_passed = all(t.outcome == "passed" for t in tests)
    for r in runs:
        rec = r.record
        checks: tuple[tuple[object, FailureReason], ...] = (
            (rec.timed_out, "timeout"),
            (rec.forged_lines, "forged_messages"),
            (rec.tamper, "tampering"),
            (rec.collect_errors, "collect_error"),
            (not rec.finished, "session_incomplete"),
            (rec.finished and rec.exitstatus != 0 and all_passed, "session_failed"),
            (rec.returncode != 0 and all_passed, "nonzero_exit"),
            (r.collected is not None and set(r.collected) - set(expected), "unexpected_tests"),
        )
        for cond, reason in checks:
            if cond:
                flag(reason)
    if flaky:
        flag("flaky")
    if staging.protected_changed and strict_protected:
        flag("protected_changed")
    return Verdict(
        task_id=task_id,
        scope=scope,
        passed=not reasons,
        reasons=reasons,
        public=_count(tests, "public"),
        hidden=_count(tests, "hidden"),
        tests=tests,
        repeats=len(runs),
        flaky=flaky,
        failure_excerpt=_excerpt(tests, runs),
        duration_s=round(duration, 4),
        runs=[r.record for r in runs],
        isolation=isolation,
        protected_changed=list(staging.protected_changed),
        dropped_files=list(staging.dropped),
        escaped_symlinks=list(staging.escaped_links),
    )


def _count(tests: list[TestResult], suite: Suite) -> SuiteCount:
    mine = [t for t in tests if t.suite == suite]
    return SuiteCount(passed=sum(t.outcome == "passed" for t in mine), total=len(mine))


def _excerpt(tests: list[TestResult], runs: list[RunEvidence]) -> str:
    for t in tests:
        if t.outcome != "passed":
            for r in runs:
                if t.id in r.texts:
                    return f"{t.id}:\n{r.texts[t.id]}"[-EXCERPT:]
    for r in runs:
        rec = r.record
        if rec.collect_errors:
            return rec.collect_errors[0][-EXCERPT:]
        if not rec.finished or rec.tamper or rec.timed_out:
            return "\n".join(x for x in [*rec.tamper, r.output[-EXCERPT:]] if x)[-EXCERPT:]
    return ""
