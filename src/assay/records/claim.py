"""Pre-registered claims and the gate's verdict on them (``assay.claim.v1``).

Kept free of numpy and scipy so that manifests can validate their claims cheaply.
"""

from __future__ import annotations

import math
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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
]
"""Why a claim failed closed. ``manifest_changed``, ``missing_artifacts`` and
``run_unfinished`` (planned attempts without a finished record) are raised by the caller
(run directories) as flags; the gate raises the rest itself."""
Bound = Literal["t", "newcombe", "hoeffding"]
Unit = Literal["task", "cluster"]


class ClaimSpec(BaseModel):
    """A claim declared before the data is seen: "treatment beats control by more than margin"."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]*$", max_length=200)
    """Stable name of the claim; the ledger of looks is keyed by it."""
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

    @model_validator(mode="after")
    def _coherent(self) -> ClaimSpec:
        if self.treatment == self.control:
            raise ValueError("treatment and control must be different arms")
        low, high = self.bounds
        if not low < high:
            raise ValueError(f"bounds must be (low, high) with low < high, got {self.bounds}")
        if not math.isfinite(self.threshold):
            raise ValueError("margin and budgets must be finite")
        return self

    @property
    def threshold(self) -> float:
        """Return what the lower bound must exceed: margin + transport + audit distortion."""
        return self.margin + self.transport_budget + self.audit_distortion_budget

    @property
    def alpha_per_look(self) -> float:
        """Return the one-sided level each look is tested at (alpha split across looks)."""
        return self.alpha / self.planned_looks

    def fingerprint(self) -> str:
        """Return the sha256 of the canonical JSON of this spec (changes if any field does)."""
        return digest(self)


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

    @model_validator(mode="after")
    def _reason_iff_failed(self) -> ClaimResult:
        if (self.status == "supported") != (self.reason is None):
            raise ValueError("a reason is given exactly when the claim failed closed")
        return self
