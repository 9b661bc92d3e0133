"""The experiment manifest (``assay.manifest.v1``): what to run, under which conditions.

Claims are pre-registered here: they are stored and hashed with the manifest before any
attempt runs, so they cannot be chosen after seeing the data.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from assay.records.canonical import digest
from assay.records.claim import ClaimSpec
from assay.records.tomlfile import read_toml, validate_as

MANIFEST_SCHEMA: Final = "assay.manifest.v1"
DEFAULT_CALL_S: Final = 180.0
DEFAULT_ATTEMPT_S: Final = 3600.0
NAME_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$"
"""A run's name is one folder name: ``runs/NAME-STAMP`` can never leave ``runs/``."""
_ESCALATE = re.compile(r"^(hazard|repeated_failure|always|sample:(0(\.\d+)?|1(\.0+)?))$")


class _Strict(BaseModel):
    # NaN and infinities are refused here: the canonical JSON writer cannot hash them.
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )


class AgentSpec(_Strict):
    """One agent × model arm."""

    id: str = Field(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_.:-]*$")
    kind: str = Field(default="loop", pattern=r"^(loop|oneshot|cli:[a-z0-9][a-z0-9-]*)$")
    """The agent: ``loop`` (the built-in tool-using agent), ``oneshot`` (one model call whose
    extracted code becomes the task's module) or ``cli:NAME`` (a third-party agent CLI;
    ``assay agents list`` names them)."""
    model: str = Field(min_length=3)
    """A model spec: ``scripted:PATH``, ``scripted:builtin:repair-demo``, ``openai:MODEL``..."""
    config: dict[str, Any] = Field(default_factory=dict)
    """Loop-agent settings (budgets, memory, protocol; ``assay.agents.config``), the one-shot
    agent's (temperature, max_tokens, seed; ``assay.agents.oneshot.OneShotConfig``), or for a CLI
    agent its settings (timeout, output limit, network;
    ``assay.agents.external.base.CliConfig``)."""

    @field_validator("config")
    @classmethod
    def _finite(cls, value: dict[str, Any]) -> dict[str, Any]:
        # The settings are free-form, but they are hashed with the manifest: no NaN or inf.
        if not _all_finite(value):
            raise ValueError("NaN and infinite numbers are not allowed in an agent's config")
        return value


def _all_finite(value: Any) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_all_finite(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_all_finite(v) for v in value)
    return True


class ConditionSpec(_Strict):
    """A workflow condition: a policy over interrupt channels."""

    id: str = Field(pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_.-]*$")
    channels: list[str] = Field(default_factory=list)
    """Automated channels that inspect each finished round (e.g. public-tests, lint)."""
    max_retries: int = Field(default=0, ge=0, le=20)
    """Rounds the agent may retry with the channels' feedback."""
    escalate_to: str | None = None
    """The costly channel (``review``) consulted when the policy below triggers."""
    escalate_when: list[str] = Field(default_factory=list)
    """``hazard``, ``repeated_failure``, ``always`` or ``sample:P`` (seeded audit rate)."""

    @model_validator(mode="after")
    def _policy(self) -> ConditionSpec:
        bad = [w for w in self.escalate_when if not _ESCALATE.match(w)]
        if bad:
            raise ValueError(f"unknown escalation triggers {bad}")
        if self.escalate_when and not self.escalate_to:
            raise ValueError("escalate_when needs escalate_to")
        return self


class ReviewSpec(_Strict):
    """Who reviews when a condition escalates."""

    kind: Literal["llm", "human"] = "llm"
    model: str | None = None
    """The reviewer model spec (``llm``); ``scripted:builtin:repair-review`` in the demo."""


def _absent(value: object) -> bool:
    # Optional keys added after v1 runs existed are left out of the manifest's JSON when
    # absent, so those runs keep their digest and still resume.
    return value is None


class UtilitySpec(_Strict):
    """Weights of workflow utility, per attempt.

    utility = value·shipped_success − retry_cost·retries − oversight cost
              − penalty·shipped_failure − hazard_penalty·shipped_hazard
    """

    value: float = 10.0
    """Credited for a shipped success (shipped and the hidden tests pass)."""
    retry_cost: float = 1.0
    penalty: float = 20.0
    """Charged for a shipped failure (shipped and the hidden tests fail)."""
    hazard_penalty: float | None = Field(default=None, exclude_if=_absent)
    """Charged for a shipped hazard (shipped and the hazard rules find something in the
    final diff); ``penalty`` when absent."""

    @property
    def hazard_weight(self) -> float:
        """The shipped-hazard penalty in effect (``hazard_penalty``, else ``penalty``)."""
        return self.penalty if self.hazard_penalty is None else self.hazard_penalty


class ModelPrice(_Strict):
    """Dollars per million tokens of one model (``[prices."MODEL"]``)."""

    input: float = Field(ge=0)
    """Uncached prompt tokens."""
    output: float = Field(ge=0)
    """Completion tokens."""
    cached_input: float | None = Field(default=None, ge=0)
    """Prompt tokens served from the provider's cache; ``input`` when not given."""


class BudgetLimits(_Strict):
    """Limits on review spend; a limit left out does not bind."""

    reviews: int | None = Field(default=None, ge=0)
    """Review inspections."""
    cost: float | None = Field(default=None, ge=0)
    """Oversight cost in the manifest's units (``costs.review`` per inspection)."""
    usd: float | None = Field(default=None, ge=0)
    """Dollars at ``[prices]`` (the reviewer model must be priced)."""
    tokens: int | None = Field(default=None, ge=0)
    """Prompt + completion tokens of the reviewer model (a model reviewer only)."""


class ReviewBudget(_Strict):
    """How much escalation to the costly channel may spend, per attempt and per run."""

    attempt: BudgetLimits | None = None
    run: BudgetLimits | None = None


class TimeoutSpec(_Strict):
    """Wall-clock limits that keep a hung endpoint or agent from stalling a run."""

    call_s: float = Field(default=DEFAULT_CALL_S, gt=0, le=3600)
    """One try of one model call (the retry policy allows four tries per call)."""
    attempt_s: float = Field(default=DEFAULT_ATTEMPT_S, gt=0, le=7 * 24 * 3600)
    """One attempt, all its rounds; past it the agent is stopped and the attempt ends as
    ``budget`` (its workspace is still judged)."""


SweepValue = bool | int | float | str


class SweepParam(_Strict):
    """One swept setting of one agent: ``assay sweep --param agents.ID.KEY=V1,V2,...``."""

    agent: str = Field(min_length=1)
    """The id of the agent in the manifest before expansion."""
    key: str = Field(pattern=r"^[a-z_][a-z0-9_]*$")
    """The key of the agent's ``config`` that takes each value."""
    values: list[SweepValue] = Field(min_length=1)


class ConcurrencySpec(_Strict):
    """Bounds on parallel work."""

    attempts: int = Field(default=2, ge=1, le=64)
    model_connections: int = Field(default=4, ge=1, le=256)


class Manifest(_Strict):
    """A whole experiment."""

    schema_id: Literal["assay.manifest.v1"] = Field(default=MANIFEST_SCHEMA, alias="schema")
    name: str = Field(pattern=NAME_PATTERN)
    """Letters, digits, ``.``, ``_`` and ``-``; the default run folder is ``runs/NAME-STAMP``."""
    suites: list[str] = Field(min_length=1)
    """Bundled suite names or folders of tasks."""
    tasks: list[str] = Field(default_factory=list)
    """Optional subset of task ids (empty: every task of the suites)."""
    seeds: int = Field(default=1, ge=1, le=100)
    """Attempts per task × agent × condition."""
    agents: list[AgentSpec] = Field(min_length=1)
    conditions: list[ConditionSpec] = Field(min_length=1)
    costs: dict[str, float] = Field(default_factory=dict)
    """Oversight cost per channel inspection (missing channels cost 0)."""
    review: ReviewSpec = ReviewSpec()
    utility: UtilitySpec = UtilitySpec()
    concurrency: ConcurrencySpec = ConcurrencySpec()
    timeouts: TimeoutSpec | None = Field(default=None, exclude_if=_absent)
    """Per-call and per-attempt limits (defaults when absent: :meth:`timeouts_or_default`).
    Left out of the manifest's JSON when absent, so runs started before it existed keep
    their digest and still resume."""
    claims: list[ClaimSpec] = Field(default_factory=list)
    """Pre-registered claims (evaluated by ``assay claims``), hashed with the manifest."""
    prices: dict[str, ModelPrice] | None = Field(default=None, exclude_if=_absent)
    """Token prices by model name (as recorded, ``scripted:NAME``, or the bare model id):
    model calls and reviews of a priced model record their cost in dollars; an unpriced
    model's cost is unknown (null), never 0."""
    review_budget: ReviewBudget | None = Field(default=None, exclude_if=_absent)
    """Limits on review spend per attempt and per run; an escalation that would pass one
    is refused and recorded in the attempt's ``refused_escalations``."""
    sweep: list[SweepParam] | None = Field(default=None, exclude_if=_absent)
    """The parameters ``assay sweep`` expanded the agents by (its arms are the agents, one
    per combination, already in ``agents``): recorded and hashed with the rest, so the arms
    are pre-registered like any other."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    @model_validator(mode="after")
    def _unique(self) -> Manifest:
        for what, ids in (
            ("agents", [a.id for a in self.agents]),
            ("conditions", [c.id for c in self.conditions]),
        ):
            if len(set(ids)) != len(ids):
                raise ValueError(f"duplicate {what} ids {ids}")
        return self

    @model_validator(mode="after")
    def _one_family_level(self) -> Manifest:
        # The claims form one Holm family, tested at one level across one plan of looks.
        levels = {(c.alpha, c.planned_looks) for c in self.claims}
        if len(levels) > 1:
            raise ValueError(f"claims must share alpha and planned_looks (found {sorted(levels)})")
        return self

    def timeouts_or_default(self) -> TimeoutSpec:
        """The manifest's timeouts, or the defaults when it sets none."""
        return self.timeouts or TimeoutSpec()

    def digest(self) -> str:
        """sha256 of the canonical JSON of the validated manifest."""
        return digest(self)


def load_manifest(path: str | Path) -> Manifest:
    """Read and validate a manifest file; every problem names the file, key and fix."""
    file = Path(path)
    return manifest_from_dict(read_toml(file, "manifest"), source=str(file))


def manifest_from_dict(raw: dict[str, Any], *, source: str) -> Manifest:
    """Validate manifest data that came from ``source``."""
    return validate_as(
        Manifest,
        raw,
        source,
        fix="see the demo manifest (src/assay/runner/demo.toml) for every key",
        fixes={
            "string_pattern_mismatch": "use letters, digits, '.', '_' and '-' only: names"
            " and ids are single words, never paths",
            "finite_number": "give a finite number (NaN and infinities cannot be hashed)",
        },
    )
