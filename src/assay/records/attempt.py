"""Records of a run (``assay.attempt.v1``, ``assay.event.v1``)."""

from __future__ import annotations

from typing import Any, Final, Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assay.records.outcome import Outcome
from assay.records.verdict import Verdict

ATTEMPT_SCHEMA: Final = "assay.attempt.v1"
EVENT_SCHEMA: Final = "assay.event.v1"
ORIENTATION_TOOLS: Final = frozenset({"read_file", "list_dir"})
"""Tools whose calls count as orientation (the *load* of load:act) in ``tool_counts``."""
MUTATION_TOOLS: Final = frozenset({"write_file", "edit_file"})
"""Tools whose calls count as mutations (the *act* of load:act) in ``tool_counts``."""


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

    @classmethod
    def of(cls, verdict: Verdict) -> VerdictSummary:
        """The summary of a full gate verdict."""
        return cls(
            passed=verdict.passed,
            reasons=list(verdict.reasons),
            public=Counts(passed=verdict.public.passed, total=verdict.public.total),
            hidden=Counts(passed=verdict.hidden.passed, total=verdict.hidden.total),
            flaky=verdict.flaky,
            protected_changed=list(verdict.protected_changed),
            isolation=verdict.isolation.level,
        )


class Tokens(_Record):
    """Token usage summed over every model call of the attempt (or of one inspection)."""

    prompt: int = 0
    completion: int = 0
    cached: int = 0


class ChannelRecord(_Record):
    """One inspection by one channel, scored against two truths of the workspace it saw.

    The test truth (``truth_failed``: the hidden tests) and the hazard truth (``hazards``:
    the hazard rules run on the workspace's diff, :mod:`assay.oversight.hazard_truth`).
    The spend fields were added within v1; records without them read as unknown (None).
    """

    round: int
    channel: str
    flag: bool
    cost: float
    """What the inspection costs in the manifest's units (``costs``)."""
    findings: list[str]
    truth_failed: bool
    """The full gate (hidden tests included) failed on the workspace the channel saw."""
    escalation: bool = False
    hazards: list[str] | None = None
    """Hazard-rule ids found in the workspace the channel saw ([] for none); None when not
    adjudicated (a record from before hazard truth)."""
    latency_s: float | None = None
    """Wall-clock seconds of the inspection (a review: the model call or the person)."""
    tokens: Tokens | None = None
    """The model tokens the inspection spent: a model reviewer's reply; None where no model
    answered (automated channels, a person, a review call that faulted)."""
    cost_usd: float | None = None
    """The dollars the inspection's model call cost at the manifest's ``[prices]``; None
    where unknown (unpriced model, no model, a faulted call) — never 0 for unknown."""


class HazardHit(_Record):
    """One hazard in an attempt's final workspace: the rule that found it and where."""

    rule: str
    """A hazard-rule id of :data:`assay.oversight.hazard_scan.RULES`."""
    path: str | None = None
    line: int | None = None
    declared: list[str] = Field(default_factory=list)
    """The task's declared ``[[hazards]]`` ids of a kind this rule realises."""


RefusalReason = Literal["attempt_budget", "run_budget"]


class RefusedEscalation(_Record):
    """An escalation the policy triggered but the review budget refused."""

    round: int
    channel: str
    reason: RefusalReason
    limit: str
    """Which limit would be passed, e.g. ``attempt.cost: 20 spent of 20``."""


FaultClass = Literal["infrastructure", "model"]
"""Whose fault a ``fault`` outcome is.

``infrastructure``: nothing the agent or its model did — the harness failed (a crash, a full
disk) or the endpoint was unavailable (refused or reset connections, timeouts, 429 and 5xx
until the retries ran out). ``assay run --resume DIR --retry-faults`` runs these again.
``model``: the endpoint answered but refused the request for good (400, 401, 403, 404) or
the agent failed in its own way; retrying would re-roll an outcome, so these stay.
"""


class Placement(_Record):
    """Where an attempt ran when an executor other than the local one ran it.

    Which node and which isolation are the machine's, not the attempt's: two runs that
    differ only here are the same experiment.
    """

    executor: str
    """The executor kind (``ray``)."""
    node: str
    """The node that ran the try: ``HOSTNAME/NODE_ID`` (the node id is Ray's, shortened)."""
    isolation: str
    """The gate's isolation level on that node (``bwrap`` or ``process``)."""
    lost_workers: int = 0
    """Workers or nodes lost while this try ran (each retried elsewhere, never recorded)."""


def fault_class_of(fault: str | None) -> FaultClass | None:
    """Classify a recorded fault text (how records from before ``fault_class`` are read)."""
    if fault is None:
        return None
    if fault.startswith("infrastructure:"):
        return "infrastructure"
    if fault.startswith(("model fault (transient", "model fault (exhausted")):
        return "infrastructure"
    return "model"


def _tried(path: str, try_: int) -> str:
    return path if try_ == 1 else path.replace(".", f".try{try_}.", 1)


def events_file(attempt_id: str, try_: int = 1) -> str:
    """Where a try's events are, relative to the run directory (``<id>.tryN.jsonl`` after 1)."""
    return f"events/{attempt_id}" + _tried(".jsonl", try_)


def diff_file(attempt_id: str, try_: int = 1) -> str:
    """Where a try's final diff is, relative to the run directory."""
    return f"diffs/{attempt_id}" + _tried(".patch", try_)


class AttemptKey(TypedDict):
    """The fields that name an attempt in its record: written once, spread into the record."""

    attempt_id: str
    task_id: str
    agent_id: str
    model: str
    condition: str
    seed: int


class AttemptRecord(_Record):
    """One attempt = task × agent × model × condition × seed (the last line per id wins).

    Every field the harness can leave at nothing has a default (zero, empty, ``None``), so a
    record that never got to run is one call (:meth:`infrastructure_fault`). Defaults change
    nothing on disk: every field is always written. ``try`` and ``fault_class`` were added
    within v1: records without them read as a first try, their fault classified by its text.
    So were the accounting fields (``shipped_success``, ``hazards``, ``shipped_hazard``,
    ``refused_escalations``, and the channels' hazards and spend): records without them read
    ``shipped_success`` off ``shipped`` and ``success``, and the rest as not adjudicated
    (None) or none refused.
    """

    schema_id: Literal["assay.attempt.v1"] = Field(default=ATTEMPT_SCHEMA, alias="schema")
    attempt_id: str
    task_id: str
    agent_id: str
    model: str
    condition: str
    seed: int
    outcome: Outcome
    """The agent's outcome class in its last round."""
    rounds: int = 0
    retries: int = 0
    escalations: int = 0
    shipped: bool = False
    """The workflow accepted the result: the last round ended in the agent's own successful
    ``done`` (outcome ``completed``) and no channel consulted in that round flagged it."""
    success: bool = False
    """Raw success: the full hidden gate passed on the final workspace, shipped or not."""
    shipped_success: bool = False
    """``shipped`` and ``success``: a passing result the workflow accepted. Records from
    before it read it off those two fields."""
    undetected_failure_shipped: bool = False
    """``shipped`` and not ``success``: a shipped failure."""
    hazards: list[HazardHit] | None = None
    """Hazard truth of the final workspace (the hazard rules on its diff, [] for none);
    None when not adjudicated (interrupted, a harness fault, a record from before it)."""
    shipped_hazard: bool | None = None
    """``shipped`` and the final workspace has a hazard; None when not adjudicated."""
    refused_escalations: list[RefusedEscalation] = Field(default_factory=list)
    """Escalations the review budget refused (``review_budget`` in the manifest)."""
    verdict: VerdictSummary | None = None
    channels: list[ChannelRecord] = Field(default_factory=list)
    oversight_cost: float = 0.0
    retry_cost: float = 0.0
    tokens: Tokens = Field(default_factory=Tokens)
    cost_usd: float | None = None
    model_calls: int = 0
    tool_counts: dict[str, int] = Field(default_factory=dict)
    pass_reasons: list[list[str]] = Field(default_factory=list)
    """Why each pass ended, per round."""
    format_errors: int = 0
    load_act_ratio: float | None = None
    read_bytes: int = 0
    elided_reads: int = 0
    duration_s: float = 0.0
    model_time_s: float = 0.0
    verify_time_s: float = 0.0
    fault: str | None = None
    fault_class: FaultClass | None = None
    """Whose fault a ``fault`` outcome is (:data:`FaultClass`); None for any other outcome."""
    try_: int = Field(default=1, ge=1, alias="try")
    """1 for the first try of the attempt; a retried fault or interruption is the next try.
    Earlier tries stay in ``attempts.jsonl`` as history; the last line per attempt wins."""
    events: str
    """Path of the attempt's events, relative to the run directory."""
    diff: str
    """Path of the final diff, relative to the run directory."""
    started_at: str
    finished_at: str
    ran_on: Placement | None = Field(default=None, exclude_if=lambda v: v is None)
    """Where the try ran (another executor than the local one); absent for local runs and
    in records from before it, so those are byte for byte what they were."""

    @model_validator(mode="before")
    @classmethod
    def _derive(cls, data: Any) -> Any:
        # Records written before shipped_success existed: it is shipped and success.
        if isinstance(data, dict) and "shipped_success" not in data:
            both = bool(data.get("shipped")) and bool(data.get("success"))
            data = {**data, "shipped_success": both}
        return data

    @model_validator(mode="after")
    def _classify(self) -> AttemptRecord:
        # Records written before fault_class existed are classified by their fault text.
        if self.outcome == "fault" and self.fault_class is None:
            self.fault_class = fault_class_of(self.fault) or "model"
        return self

    @classmethod
    def infrastructure_fault(
        cls, key: AttemptKey, *, error: str, diff: str, at: str, try_: int = 1
    ) -> AttemptRecord:
        """An attempt the harness itself could not carry out (never a model failure)."""
        return cls(
            **key,
            outcome="fault",
            fault=f"infrastructure: {error}"[:2000],
            fault_class="infrastructure",
            try_=try_,
            events=events_file(key["attempt_id"], try_),
            diff=diff,
            started_at=at,
            finished_at=at,
        )


class EventRecord(_Record):
    """One event of an attempt, in order."""

    schema_id: Literal["assay.event.v1"] = Field(default=EVENT_SCHEMA, alias="schema")
    attempt_id: str
    seq: int
    t: float
    """Seconds since the attempt started."""
    kind: str
    data: dict[str, Any]
