"""Scorer plugins the CLI tests load as ``module:callable`` (importable from the repo root)."""

from __future__ import annotations

from collections.abc import Sequence

from assay.records.pool import PoolCandidate
from assay.rerank.scorers.protocol import ProblemContext, Scores


def peeking(candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
    """Reads the labels on purpose (a test of the plumbing, not a method): p 0.8 / 0.3."""
    p = [0.8 if c.passed else 0.3 for c in candidates]
    return Scores(p, p)


def by_rank(candidates: Sequence[PoolCandidate], context: ProblemContext) -> list[int]:
    """Plain numbers instead of Scores: minus the pool position."""
    return [-i for i in range(len(candidates))]


def wrong_length(candidates: Sequence[PoolCandidate], context: ProblemContext) -> list[float]:
    """One score too few: bad scorer output."""
    return [0.0] * (len(candidates) - 1)


class NotAScorer:
    """A class without a score method."""


NOT_CALLABLE = 42
