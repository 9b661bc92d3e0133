"""The verdict record (``assay.verdict.v1``): what the gate decided and on what evidence."""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

Level = Literal["bwrap", "process"]
"""How a sandboxed run was isolated: bubblewrap namespaces, or process limits only."""


VERDICT_SCHEMA: Final = "assay.verdict.v1"

FailureReason = Literal[
    "tests_failed",
    "tests_missing",
    "unexpected_tests",
    "collect_error",
    "session_incomplete",
    "session_failed",
    "nonzero_exit",
    "timeout",
    "forged_messages",
    "tampering",
    "protected_changed",
    "flaky",
]
TestOutcome = Literal["passed", "failed", "error", "skipped", "xfailed", "xpassed", "missing"]


class Isolation(BaseModel):
    """What isolation a sandboxed run actually had (recorded in every verdict)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    level: Level
    """``bwrap`` (namespaces) or ``process`` (rlimits and environment scrubbing only)."""
    unprivileged_uid: bool
    """Ran as uid 65534, so the process-count limit is enforced by the kernel."""
    network_isolated: bool
    pid_namespace: bool
    readonly_system: bool
    hidden_paths: list[str]
    rlimits: dict[str, int]
    notes: list[str]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TestResult(_Record):
    """One expected test across all repeats."""

    id: str
    suite: Literal["public", "hidden"]
    outcome: TestOutcome
    """The worst outcome over the repeats (``passed`` only if every repeat passed)."""
    per_repeat: list[TestOutcome]


class RunRecord(_Record):
    """One pytest process of a verification."""

    index: int
    returncode: int
    signal: str | None
    timed_out: bool
    duration_s: float
    finished: bool
    """The session reached its end and said so over the authenticated channel."""
    exitstatus: int | None
    forged_lines: int
    tamper: list[str]
    collect_errors: list[str]


class SuiteCount(_Record):
    """Passed and expected counts of one suite of tests."""

    passed: int
    total: int


class Verdict(_Record):
    """The gate's decision on one candidate workspace."""

    schema_id: Literal["assay.verdict.v1"] = Field(default=VERDICT_SCHEMA, alias="schema")
    task_id: str
    scope: Literal["all", "public"]
    passed: bool
    reasons: list[FailureReason]
    """Why the verdict did not pass; empty when it passed."""
    public: SuiteCount
    hidden: SuiteCount
    tests: list[TestResult]
    repeats: int
    flaky: bool
    failure_excerpt: str
    duration_s: float
    runs: list[RunRecord]
    isolation: Isolation
    protected_changed: list[str]
    """Protected files the workspace added, modified or deleted (a tampering hazard)."""
    dropped_files: list[str]
    """Candidate files never copied: planted pytest config, start-up hooks, bytecode."""
    escaped_symlinks: list[str]
    """Symlinks in the workspace that pointed outside it (not followed)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)
