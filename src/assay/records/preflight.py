"""What ``assay preflight`` found before a run (``assay.preflight.v1``, ``preflight.json``).

Stored in the run directory by ``assay run`` (unless ``--no-preflight``), so a report can
show what was checked and what was estimated before the first attempt.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

PREFLIGHT_FILE: Final = "preflight.json"
PREFLIGHT_SCHEMA: Final = "assay.preflight.v1"

CheckKind = Literal["tasks", "endpoint", "agent_cli", "disk", "claim"]


class _Record(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class PreflightCheck(_Record):
    """One check: what was checked, whether it passed, and what was found."""

    kind: CheckKind
    name: str
    """The task, model spec, agent CLI, folder or claim id checked."""
    ok: bool
    detail: str
    seconds: float | None = None
    """How long the check took, where it is part of the time estimate."""


class ClaimPlan(_Record):
    """A claim (or sub-claim) at the planned size."""

    claim_id: str
    units: int
    """Planned tasks (paired) or runs per arm (replicates)."""
    smallest_effect: float | None
    """The smallest effect it could ever be supported on; ``None``: never."""
    detail: str


class PreflightRecord(_Record):
    """Everything ``assay preflight`` checked and estimated for one manifest."""

    schema_id: Literal["assay.preflight.v1"] = Field(default=PREFLIGHT_SCHEMA, alias="schema")
    manifest_sha256: str
    created_at: str
    ok: bool
    """Every check passed."""
    checks: list[PreflightCheck]
    planned_attempts: int
    concurrency: int
    estimate_low_s: float | None
    """Attempts × the gate's measured time per task check ÷ concurrency: a floor (every
    attempt verifies at least once; the agent's own time comes on top)."""
    estimate_high_s: float
    """Rounds of ``concurrency`` attempts × ``timeouts.attempt_s``: the most the run can take."""
    claims: list[ClaimPlan]
