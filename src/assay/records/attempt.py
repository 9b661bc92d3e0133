"""Records of a run (``assay.attempt.v1``, ``assay.event.v1``)."""

from __future__ import annotations

from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.records.outcome import Outcome

ATTEMPT_SCHEMA: Final = "assay.attempt.v1"
EVENT_SCHEMA: Final = "assay.event.v1"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Counts(_Record):
    """Passed and total tests of one suite of tests."""

    passed: int
    total: int


class VerdictSummary(_Record):
    """The final gate verdict of an attempt (the full verdict is in its events)."""

    passed: bool
    reasons: list[str]
    public: Counts
    hidden: Counts
    flaky: bool
    protected_changed: list[str]
    isolation: str


class ChannelRecord(_Record):
    """One inspection by one channel, scored against the hidden truth at that moment."""

    round: int
    channel: str
    flag: bool
    cost: float
    findings: list[str]
    truth_failed: bool
    """The full gate (hidden tests included) failed on the workspace the channel saw."""
    escalation: bool = False


class Tokens(_Record):
    """Token usage summed over every model call of the attempt."""

    prompt: int = 0
    completion: int = 0
    cached: int = 0


class AttemptRecord(_Record):
    """One attempt = task × agent × model × condition × seed (the last line per id wins)."""

    schema_id: Literal["assay.attempt.v1"] = Field(default=ATTEMPT_SCHEMA, alias="schema")
    attempt_id: str
    task_id: str
    agent_id: str
    model: str
    condition: str
    seed: int
    outcome: Outcome
    """The agent's outcome class in its last round."""
    rounds: int
    retries: int
    escalations: int
    shipped: bool
    """The workflow accepted the result (its last round passed every channel consulted)."""
    success: bool
    """The ground truth: the full gate passed on the final workspace."""
    undetected_failure_shipped: bool
    verdict: VerdictSummary | None
    channels: list[ChannelRecord]
    oversight_cost: float
    retry_cost: float
    tokens: Tokens
    cost_usd: float | None
    model_calls: int
    tool_counts: dict[str, int]
    pass_reasons: list[list[str]]
    """Why each pass ended, per round."""
    format_errors: int
    load_act_ratio: float | None
    read_bytes: int
    elided_reads: int
    duration_s: float
    model_time_s: float
    verify_time_s: float
    fault: str | None
    events: str
    """Path of the attempt's events, relative to the run directory."""
    diff: str
    """Path of the final diff, relative to the run directory."""
    started_at: str
    finished_at: str


class EventRecord(_Record):
    """One event of an attempt, in order."""

    schema_id: Literal["assay.event.v1"] = Field(default=EVENT_SCHEMA, alias="schema")
    attempt_id: str
    seq: int
    t: float
    """Seconds since the attempt started."""
    kind: str
    data: dict[str, Any]
