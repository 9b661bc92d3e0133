"""The scripted proposer's file (``assay.proposals.v1``): one proposal per iteration.

A test double for a proposer agent, deterministic and offline. Iteration *i* plays
``proposals[i-1]`` (past the last one: nothing changes)::

    schema = "assay.proposals.v1"

    [[proposals]]                      # iteration 1: a harness fix
    message = "Tell the agent to fix the general case."
    write = { "AGENTS.md" = "Fix the general case the task describes." }

    [[proposals]]                      # iteration 2: a proposer that hangs
    sleep_s = 3600

Fields: ``write`` (path → content), ``delete`` (paths), ``symlink`` (path → target),
``sleep_s`` (before anything), ``exit_code`` (a crash when not 0), ``message`` (the last
message), ``tokens`` (usage it reports).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay.errors import InputError
from assay.models.fileio import read_mapping

PROPOSALS_SCHEMA: Final = "assay.proposals.v1"


def _relative(path: str) -> str:
    parts = path.split("/")
    if not path or path.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValueError(f"{path!r} is not a relative path inside the harness")
    return path


class Proposal(BaseModel):
    """What the scripted proposer does in one iteration."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    message: str = ""
    write: dict[str, str] = Field(default_factory=dict)
    delete: list[str] = Field(default_factory=list)
    symlink: dict[str, str] = Field(default_factory=dict)
    sleep_s: float = Field(default=0.0, ge=0, le=24 * 3600)
    exit_code: int = Field(default=0, ge=0, le=255)
    tokens: int = Field(default=0, ge=0)

    @field_validator("write", "symlink")
    @classmethod
    def _paths(cls, value: dict[str, str]) -> dict[str, str]:
        for path in value:
            _relative(path)
        return value

    @field_validator("delete")
    @classmethod
    def _deleted(cls, value: list[str]) -> list[str]:
        return [_relative(p) for p in value]


class Proposals(BaseModel):
    """A whole proposals file."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_id: Literal["assay.proposals.v1"] = Field(alias="schema")
    proposals: list[Proposal] = Field(default_factory=list)

    def at(self, iteration: int) -> Proposal:
        """The proposal of ``iteration`` (1-based); an empty one past the last."""
        if 1 <= iteration <= len(self.proposals):
            return self.proposals[iteration - 1]
        return Proposal(message="no proposal scripted for this iteration")


def load_proposals(path: Path) -> Proposals:
    """Read and validate a proposals file (TOML or JSON); bad input is an ``InputError``."""
    raw: Any = read_mapping(path)
    try:
        return Proposals.model_validate(raw)
    except ValidationError as exc:
        raise InputError.from_validation(
            exc, path, fix="see the example's proposals.toml (src/assay/optimize/example)"
        ) from None
