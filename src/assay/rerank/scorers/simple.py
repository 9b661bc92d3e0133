"""The scorers that need nothing but the candidates (and the prompt)."""

from __future__ import annotations

import math
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.records.pool import PoolCandidate
from assay.rerank.scorers.protocol import ProblemContext, Scores

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def words(text: str) -> set[str]:
    """The lower-cased identifiers and words of a text."""
    return {w.lower() for w in _WORD.findall(text)}


@dataclass(frozen=True)
class RandomScorer:
    """Uniform noise, seeded by (seed, benchmark, problem); p_pass is the same noise."""

    name: str = "random"

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """A fresh uniform draw per candidate."""
        # A string seed is hashed with SHA-512 by ``random``: stable across processes.
        rng = random.Random(f"{context.seed}:{context.benchmark}:{context.problem}")
        draws = [rng.random() for _ in candidates]
        return Scores(draws, list(draws))


@dataclass(frozen=True)
class OriginalOrderScorer:
    """The order the candidates were made in (``original_rank`` 0 first).

    Missing for a mutation pool: there the first-made candidate is the reference, so the
    original order is the label itself, and a "lift" from it would be a leak, not a skill.
    """

    name: str = "original"

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """Minus the original rank (missing when any candidate is a mutation-pool one)."""
        if any(c.origin == "mutation" for c in candidates):
            why = "a mutation pool's original order puts the reference first (a label leak)"
            return Scores.missing(len(candidates), why)
        return Scores([-float(c.original_rank) for c in candidates])


@dataclass(frozen=True)
class LexicalScorer:
    """Jaccard overlap between the words of the prompt and of the candidate."""

    name: str = "lexical"

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """|prompt ∩ code| / |prompt ∪ code| over lower-cased words; missing without a prompt."""
        prompt = words(context.prompt)
        if not prompt:
            return Scores.missing(len(candidates), "no prompt (task folder not found)")
        out = []
        for c in candidates:
            code = words(c.code)
            out.append(len(prompt & code) / len(prompt | code))
        return Scores(out)


@dataclass(frozen=True)
class LengthScorer:
    """Shorter first: minus the number of characters of the stripped source."""

    name: str = "length"

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """Minus ``len(code.strip())``."""
        return Scores([-float(len(c.code.strip())) for c in candidates])


@dataclass(frozen=True)
class LogprobScorer:
    """The mean token log-probability recorded when the candidate was sampled.

    p_pass is exp(mean log-probability), the geometric-mean token probability: a number in
    (0, 1], not a calibrated probability of passing (``assay calibrate`` shows how far off).
    """

    name: str = "logprob"

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """``detail["logprob_mean"]``; missing if any candidate lacks a finite one."""
        values: list[float] = []
        for c in candidates:
            raw = c.detail.get("logprob_mean")
            if isinstance(raw, bool) or not isinstance(raw, (int, float)):
                return Scores.missing(len(candidates), f"{c.candidate}: no logprob_mean recorded")
            if not math.isfinite(raw) or raw > 0:
                return Scores.missing(len(candidates), f"{c.candidate}: logprob_mean {raw!r}")
            values.append(float(raw))
        return Scores(values, [math.exp(v) for v in values])
