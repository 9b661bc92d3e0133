"""Pre-registered claims and the gate's verdict on them (``assay.claim.v1``).

Kept free of numpy and scipy so that manifests can validate their claims cheaply.

A claim may take a shape beyond "B beats A on every task": ``where`` narrows the attempts it
is decided on, ``per`` expands it into one sub-claim per suite, seed or task (each decided
and reported on its own), ``requires_all`` makes it conditional on other claims, and
``design = "replicates"`` decides arms of repeated runs with an unpaired exact test. Every
field added after the first release is left out of the canonical JSON at its default, so
the digests of manifests and claim specs written before it do not change.
"""

from __future__ import annotations

import math
import re
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assay.records.canonical import digest

CLAIM_SCHEMA: Final = "assay.claim.v1"

Direction = Literal["greater", "less"]
Status = Literal["supported", "fail_closed"]
FailClosedReason = Literal[
    "insufficient_evidence",
    "ci_includes_margin",
    "direction_ns",
    "multiplicity",
    "looks_exhausted",
    "data_invalid",
    "manifest_changed",
    "missing_artifacts",
    "run_unfinished",
    "requirement_failed",
    "runs_incompatible",
]
"""Why a claim failed closed. ``manifest_changed``, ``missing_artifacts``,
``run_unfinished`` (planned attempts without a finished record) and ``runs_incompatible``
(two runs compared whose manifests differ where it matters) are raised by the caller as
flags; the gate raises the rest itself. ``requirement_failed``: a claim listed in
``requires_all`` was not supported."""
Bound = Literal["t", "newcombe", "hoeffding", "clopper_pearson", "clopper_pearson_losses"]
"""``clopper_pearson`` (replicates): the treatment's exact lower bound minus the control's
exact upper bound, each at half the level. ``clopper_pearson_losses`` (non-inferiority, one
binary attempt per unit and arm): minus the exact upper bound of the share of units the
treatment lost (failed where the control passed)."""
Unit = Literal["task", "cluster", "run"]
Design = Literal["paired", "replicates"]
Hypothesis = Literal["superiority", "non_inferiority"]
"""``superiority``: H0 difference ≤ margin (+ budgets). ``non_inferiority``: H0 difference ≤
−margin (the treatment is worse by at least the margin); the budgets still count against
the treatment (the threshold is −margin + budgets)."""
PerDimension = Literal["suite", "seed", "task"]
SUB_ID_PATTERN: Final = r"[A-Za-z0-9][A-Za-z0-9_.:-]*"
"""A claim id as users write it; a sub-claim appends ``[suite=…,seed=…]``."""
ID_PATTERN: Final = rf"^{SUB_ID_PATTERN}(\[[a-z]+=[^\]\s,=]+(,[a-z]+=[^\]\s,=]+)*\])?$"
ALL_SUBCLAIMS: Final = "[*]"
"""``requires_all = ["gain[*]"]`` names every sub-claim that ``per`` expands ``gain`` into."""
_REQUIREMENT = re.compile(
    rf"^{SUB_ID_PATTERN}(\[\*\]|\[[a-z]+=[^\]\s,=]+(,[a-z]+=[^\]\s,=]+)*\])?$"
)


def _unset(value: object) -> bool:
    """Whether a field added after v1 is at its default (then left out of the JSON)."""
    return value is None or value in ((), [])


BINARY_METRICS = frozenset(
    {"success", "shipped", "shipped_success", "shipped_failure", "shipped_hazard", "escalated"}
)
"""The per-attempt metrics that are 0/1 (one definition: the results and the preflight)."""


class ClaimWhere(BaseModel):
    """Which attempts a claim is decided on; every field given must match (empty: any).

    ``tags``: the task must carry every tag listed. The other lists are alternatives: the
    attempt's suite (as the manifest names it), task, agent id, model spec or seed (1-based)
    must be one of those listed.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    suite: tuple[str, ...] = Field(default=(), exclude_if=_unset)
    tags: tuple[str, ...] = Field(default=(), exclude_if=_unset)
    task: tuple[str, ...] = Field(default=(), exclude_if=_unset)
    agent: tuple[str, ...] = Field(default=(), exclude_if=_unset)
    model: tuple[str, ...] = Field(default=(), exclude_if=_unset)
    seed: tuple[int, ...] = Field(default=(), exclude_if=_unset)

    @field_validator("suite", "tags", "task", "agent", "model", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        # ``suite = "repair"`` reads as ``suite = ["repair"]``.
        return (value,) if isinstance(value, str) else value

    @field_validator("seed", mode="before")
    @classmethod
    def _one_seed(cls, value: object) -> object:
        return (value,) if isinstance(value, int) else value

    @field_validator("seed")
    @classmethod
    def _positive(cls, value: tuple[int, ...]) -> tuple[int, ...]:
        if any(s < 1 for s in value):
            raise ValueError("seeds are numbered from 1")
        return value

    def narrowed(self, dimension: PerDimension, value: str) -> ClaimWhere:
        """Return the filter with ``dimension`` pinned to ``value`` (a sub-claim's filter)."""
        if dimension == "seed":
            return self.model_copy(update={"seed": (int(value),)})
        return self.model_copy(update={dimension: (value,)})


class ClaimSpec(BaseModel):
    """A claim declared before the data is seen: "treatment beats control by more than margin"."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=ID_PATTERN, max_length=400)
    """Stable name of the claim; the ledger of looks is keyed by it. A sub-claim's id is its
    parent's with the values it is decided on: ``gain[suite=repair,seed=2]``."""
    metric: str = Field(min_length=1)
    """The per-attempt metric the claim is about (e.g. ``success``)."""
    treatment: str = Field(min_length=1)
    """The arm claimed to be better."""
    control: str = Field(min_length=1)
    """The arm it is compared against."""
    direction: Direction = "greater"
    """``greater``: higher metric is better; ``less``: lower is better (cost, time)."""
    margin: float = Field(0.05, ge=0.0)
    """δ0: the smallest gain, in metric units, worth claiming."""
    transport_budget: float = Field(0.0, ge=0.0)
    """Allowance for the gain shrinking when moved to other tasks, models or settings."""
    audit_distortion_budget: float = Field(0.0, ge=0.0)
    """Allowance for the measurement itself (oversight, review) distorting the gain."""
    alpha: float = Field(0.025, gt=0.0, lt=0.5)
    """One-sided error rate for the whole family of claims, before splitting across looks."""
    min_n: int = Field(2, ge=2)
    """Fewest units (tasks, or clusters) the claim may be decided on."""
    planned_looks: int = Field(1, ge=1)
    """How many times the data will be examined; alpha is split evenly across looks."""
    bounds: tuple[float, float] = (0.0, 1.0)
    """The metric's possible range. Values outside are invalid; errors and timeouts count
    as the worst end; the Hoeffding bound uses its width."""
    where: ClaimWhere | None = Field(default=None, exclude_if=_unset)
    """Which attempts the claim is decided on (suite, tags, task, agent, model, seed)."""
    per: tuple[PerDimension, ...] = Field(default=(), exclude_if=_unset)
    """Expand into one sub-claim per suite, seed or task (several: every combination), each
    decided on its own and reported; the claim itself is still decided on all its rows."""
    requires_all: tuple[str, ...] = Field(default=(), exclude_if=_unset)
    """Claim ids (``gain[suite=repair]``, or ``gain[*]`` for every sub-claim of ``gain``)
    that must all be supported for this claim to be; else ``requirement_failed``."""
    design: Design = Field(default="paired", exclude_if=lambda v: v == "paired")
    """``paired``: the same tasks in both arms, per-task differences (the default).
    ``replicates``: arms of repeated runs on one task, an unpaired exact test (one-sided
    Fisher); use ``per = ["task"]`` for a few tasks (Holm across them)."""
    min_runs: int = Field(default=5, ge=1, le=100_000, exclude_if=lambda v: v == 5)
    """replicates: fewest runs each arm needs on the task before the claim is decided."""
    hypothesis: Hypothesis = Field(default="superiority", exclude_if=lambda v: v == "superiority")
    """``non_inferiority``: the claim is "treatment is not worse than control by ``margin``
    or more" (paired design only; no sign test, since no direction is claimed)."""
    rationale: str | None = Field(default=None, max_length=2000, exclude_if=_unset)
    """Why the margin and budgets are what they are (shown beside them in reports)."""

    @field_validator("per")
    @classmethod
    def _distinct(cls, value: tuple[PerDimension, ...]) -> tuple[PerDimension, ...]:
        if len(set(value)) != len(value):
            raise ValueError(f"per lists a dimension twice: {list(value)}")
        return value

    @field_validator("requires_all")
    @classmethod
    def _requirements(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [r for r in value if not _REQUIREMENT.match(r)]
        if bad:
            raise ValueError(
                f"requires_all entries {bad} are not claim ids (ID, ID[suite=NAME,seed=N] or ID[*])"
            )
        return value

    @model_validator(mode="after")
    def _coherent(self) -> ClaimSpec:
        if self.treatment == self.control:
            raise ValueError("treatment and control must be different arms")
        if self.design == "paired" and "task" in self.per:
            raise ValueError(
                "a paired claim per task would rest on one task each: per task needs"
                ' design = "replicates"'
            )
        if self.hypothesis == "non_inferiority":
            if self.design != "paired":
                raise ValueError("a non-inferiority claim needs the paired design")
            if self.margin <= 0:
                raise ValueError(
                    "a non-inferiority claim needs margin > 0 (with 0 it is a superiority claim)"
                )
        low, high = self.bounds
        if not low < high:
            raise ValueError(f"bounds must be (low, high) with low < high, got {self.bounds}")
        if not math.isfinite(self.threshold):
            raise ValueError("margin and budgets must be finite")
        return self

    @property
    def threshold(self) -> float:
        """Return what the lower bound must exceed: margin + transport + audit distortion.

        Non-inferiority: −margin + transport + audit distortion.
        """
        budgets = self.transport_budget + self.audit_distortion_budget
        if self.hypothesis == "non_inferiority":
            return -self.margin + budgets
        return self.margin + budgets

    @property
    def alpha_per_look(self) -> float:
        """Return the one-sided level each look is tested at (alpha split across looks)."""
        return self.alpha / self.planned_looks

    def fingerprint(self) -> str:
        """Return the sha256 of the canonical JSON of this spec (changes if any field does)."""
        return digest(self)

    @property
    def base_id(self) -> str:
        """The id without a sub-claim's ``[...]`` suffix."""
        return self.id.split("[", 1)[0]


class ClaimResult(BaseModel):
    """The gate's verdict on one claim, with the evidence it rests on.

    Statistics the data cannot support are ``None``, never 0. Differences and bounds are
    oriented so that positive favours the claim (signs are flipped for ``less``).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)

    schema_id: Literal["assay.claim.v1"] = Field(default=CLAIM_SCHEMA, alias="schema")
    claim: ClaimSpec
    status: Status
    reason: FailClosedReason | None
    """Why the claim failed closed; ``None`` exactly when it is supported."""
    detail: str
    """One human-readable sentence on the decision."""
    unit: Unit
    n: int
    """Units analysed (tasks, or clusters when clustered)."""
    tasks: int
    attempts: int
    """Rows (attempts of either arm) the analysis used."""
    data_hash: str
    mean_difference: float | None
    lower_bound: float | None
    """One-sided lower confidence bound at ``alpha_per_look``: the smallest of the bounds."""
    bound: Bound | None
    """Which bound was the smallest and therefore used."""
    threshold: float
    """margin + transport_budget + audit_distortion_budget: the bound must exceed it."""
    discordant: int | None
    """Units whose difference is not zero: the sign test's sample size."""
    p_t: float | None
    """One-sided p of the mean difference against ``threshold`` (Hoeffding if sd = 0)."""
    p_sign: float | None
    """Exact one-sided sign test of the differences against zero."""
    p_claim: float | None
    """max(p_t, p_sign): the claim's p-value in the Holm family."""
    alpha_per_look: float
    holm_adjusted_p: float
    holm_threshold: float
    """The level this claim's p-value faced at its Holm rank."""
    holm_reject: bool
    family_size: int
    look: int | None
    """This evaluation's place in the ledger of looks (``None`` without a ledger)."""
    design: Design = Field(default="paired", exclude_if=lambda v: v == "paired")
    parent: str | None = Field(default=None, exclude_if=_unset)
    """The claim this sub-claim was expanded from (``per``); ``None`` for a declared claim."""
    failed_requirements: tuple[str, ...] = Field(default=(), exclude_if=_unset)
    """The claims of ``requires_all`` that were not supported (named in ``detail`` too)."""
    treatment_runs: tuple[int, int] | None = Field(default=None, exclude_if=_unset)
    """replicates: (successes, runs) of the treatment arm."""
    control_runs: tuple[int, int] | None = Field(default=None, exclude_if=_unset)
    """replicates: (successes, runs) of the control arm."""
    interim: bool = Field(default=False, exclude_if=lambda v: not v)
    """Decided on an unfinished run at the user's explicit request (``--interim``)."""

    @model_validator(mode="after")
    def _reason_iff_failed(self) -> ClaimResult:
        if (self.status == "supported") != (self.reason is None):
            raise ValueError("a reason is given exactly when the claim failed closed")
        return self
