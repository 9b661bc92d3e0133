"""One blind code-quality judgment (``assay.judgment.v1``), a line of ``RUN/judgments.jsonl``.

A judge model read a task's prompt and two solutions, the attempt's final code (the
*subject*) and the task's reference solution, shown as "A" and "B" in a seeded random
order, and scored both on every dimension of a rubric, a one-line reason before each score.
The record keeps which side the subject was shown on (``position``), the scores of both
sides, their weighted totals and the gap, ruff's lint counts of both sides, and the call's
tokens and cost. A reply that could not be read is a ``failed`` judgment with the reason;
judgments never change an attempt's success or any claim.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.records.attempt import Tokens

JUDGMENT_SCHEMA: Final = "assay.judgment.v1"
JUDGMENTS_FILE: Final = "judgments.jsonl"
"""The judgments of a run, relative to the run directory."""

Position = Literal["first", "second"]
"""Where the subject was shown: ``first`` is solution A, ``second`` solution B."""
Side = Literal["subject", "reference"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class DimensionScore(_Record):
    """One dimension of one solution: the judge's one-line reason, then its score."""

    reason: str
    score: float


class SideScores(_Record):
    """The judge's scores of one solution and their weighted total."""

    dimensions: dict[str, DimensionScore]
    total: float
    """Σ weight·score over the rubric's dimensions (weights sum to 1: on the score scale)."""


class LintCounts(_Record):
    """ruff's findings on one side's code files: deterministic, beside every judgment."""

    total: int | None
    """Every finding; None when ruff could not be run (``unavailable`` says why)."""
    by_rule: dict[str, int] = Field(default_factory=dict)
    files: int = 0
    """How many Python files were linted."""
    unavailable: str | None = None


class JudgmentRecord(_Record):
    """One call of one judge model on one (subject, reference) pair in one order."""

    schema_id: Literal["assay.judgment.v1"] = Field(default=JUDGMENT_SCHEMA, alias="schema")
    time: str
    """When the judgment was recorded (UTC, ISO 8601)."""
    judge_model: str
    """The judge's model name as it reports itself (e.g. ``scripted:judge-a``)."""
    judge_spec: str
    """The ``--judge-model`` spec it was given, URL and all (never a key)."""
    rubric: str
    """``NAME@VERSION`` of the rubric."""
    rubric_version: str
    rubric_sha256: str
    """The digest of the rubric as loaded: the same name and version, the same rubric."""
    pair_id: str
    """The attempt judged against its task's reference (the attempt id)."""
    position: Position
    order_seed: int
    """The seed the order was drawn from (with the pair id)."""
    task_id: str
    attempt_id: str
    subject_arm: str
    """``AGENT/CONDITION`` of the attempt (recorded here, never shown to the judge)."""
    subject_model: str
    blind: bool = True
    """The judge saw the prompt and the code only: no tests, verdict, arm or model."""
    status: Literal["ok", "failed"]
    failure: str | None = None
    """Why the reply could not be read as a judgment (``failed`` only)."""
    subject: SideScores | None = None
    reference: SideScores | None = None
    gap: float | None = None
    """subject.total − reference.total (``ok`` only)."""
    weights: dict[str, float]
    subject_lint: LintCounts
    reference_lint: LintCounts
    prompt_sha256: str
    """The digest of the messages sent, to audit what the judge saw."""
    tokens: Tokens
    cost_usd: float | None = None
    """Dollars of the call at the given prices; None when unpriced (unknown is never 0)."""
    latency_s: float = 0.0
    reply_excerpt: str = ""
    """The start of a reply that failed to parse (empty for ``ok``)."""

    @property
    def key(self) -> tuple[str, str, str]:
        """What makes a judgment unique: (judge spec, pair, position)."""
        return (self.judge_spec, self.pair_id, self.position)
