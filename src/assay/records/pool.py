"""Candidate pools for reranking: a folder of labelled candidate solutions.

A pool folder holds ``pool.json`` (:class:`PoolInfo`, ``assay.pool_info.v1``),
``candidates.jsonl`` (one :class:`PoolCandidate` per line, ``assay.pool.v1``),
``dropped.jsonl`` (one :class:`DroppedProblem` per line, ``assay.pool_dropped.v1``) and its
artifact index (``artifacts.json``). Candidates of one problem are consecutive lines in
their shuffled order; ``original_rank`` keeps the order they were made in.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

POOL_SCHEMA: Final = "assay.pool.v1"
POOL_INFO_SCHEMA: Final = "assay.pool_info.v1"
POOL_DROPPED_SCHEMA: Final = "assay.pool_dropped.v1"
POOL_INFO: Final = "pool.json"
POOL_CANDIDATES: Final = "candidates.jsonl"
POOL_DROPPED: Final = "dropped.jsonl"

Origin = Literal["mutation", "runs", "sample"]
"""``mutation``: AST mutants of the reference solution; ``runs``: recorded attempts' final
code; ``sample``: one-shot samples from a model."""
CandidateTestOutcome = Literal["passed", "failed", "error", "skipped", "missing"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class CandidateTest(_Strict):
    """One expected test (as the gate names it) and how this candidate did on it."""

    id: str
    suite: Literal["public", "hidden"]
    outcome: CandidateTestOutcome


class PoolCandidate(_Strict):
    """One candidate solution of one problem, labelled by the verification gate."""

    schema_id: Literal["assay.pool.v1"] = Field(default=POOL_SCHEMA, alias="schema")
    benchmark: str
    """The suite the problem comes from (e.g. ``humaneval``, ``mbppplus``)."""
    problem: str
    """The task id within the benchmark."""
    candidate: str
    """Unique within the problem (e.g. ``m003`` for a mutant, ``ref`` for the reference)."""
    code_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    code: str
    """The candidate's source (the module the gate verified)."""
    origin: Origin
    original_rank: int = Field(ge=0)
    """Position among the problem's candidates before the seeded shuffle (0 = first made)."""
    seed: int
    """The seed of the shuffle (and, for ``sample``, of the sampling call)."""
    passed: bool
    """The gate's verdict on the hidden tests."""
    tests: list[CandidateTest]
    detail: dict[str, str | int | float | bool | None] = Field(default_factory=dict)
    """Origin-specific facts: mutant kind and line; run and attempt ids; model, temperature,
    mean log-probability (``logprob_mean``) where recorded, tokens."""


class DroppedProblem(_Strict):
    """A problem left out of the pool, and why."""

    schema_id: Literal["assay.pool_dropped.v1"] = Field(default=POOL_DROPPED_SCHEMA, alias="schema")
    benchmark: str
    problem: str
    reason: Literal[
        "reference_failed",
        "too_few_failing",
        "too_few_candidates",
        "no_reference",
        "unparsable_reference",
        "verification_error",
    ]
    detail: str = ""


class PoolInfo(_Strict):
    """What a pool is and how it was made."""

    schema_id: Literal["assay.pool_info.v1"] = Field(default=POOL_INFO_SCHEMA, alias="schema")
    generator: str
    """``assay X.Y.Z``."""
    origin: Origin
    benchmarks: list[str]
    pool_size: int = Field(ge=1)
    """The candidates kept per problem (``mutation``); the most any problem has otherwise."""
    seed: int
    source: str
    """The suite folder (``mutation``, ``sample``) or run directory (``runs``), relative to
    the pool folder (``assay rerank`` looks for the tasks there by default)."""
    suite_digest: str | None = None
    problems: int = Field(ge=0)
    candidates: int = Field(ge=0)
    dropped: int = Field(ge=0)
    created: str
    """ISO 8601 UTC time the pool was written."""
