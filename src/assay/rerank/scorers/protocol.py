"""The scorer interface: the candidates of one problem in, one score per candidate out."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, runtime_checkable

from assay.records.pool import PoolCandidate
from assay.tasks.load import Task

ScoreStatus = Literal["ok", "missing"]


@dataclass(frozen=True)
class ProblemContext:
    """What a scorer may know about a problem besides its candidates (never the labels)."""

    benchmark: str
    problem: str
    seed: int
    """The rerank seed (a seeded scorer draws from it; others ignore it)."""
    task: Task | None = None
    """The task folder, when the pool's suite is on this machine (prompt, public tests)."""

    @property
    def prompt(self) -> str:
        """The task's prompt text ("" without a task)."""
        return self.task.prompt_text if self.task is not None else ""


@dataclass(frozen=True)
class Scores:
    """One score per candidate (higher ranks first), and optionally p_pass in [0, 1].

    ``status = "missing"`` says the scorer had nothing to go on for this problem (e.g. no
    recorded log-probabilities): reranking then ties every candidate, calibration counts the
    problem as missing.
    """

    scores: list[float]
    p_pass: list[float] | None = None
    status: ScoreStatus = "ok"
    detail: str = ""

    def check(self, n: int, who: str) -> Scores:
        """Return self if it fits ``n`` candidates; raise ValueError naming ``who`` if not."""
        if len(self.scores) != n:
            raise ValueError(
                f"scorer {who!r} returned {len(self.scores)} scores for {n} candidates"
            )
        if self.p_pass is not None:
            if len(self.p_pass) != n:
                raise ValueError(f"scorer {who!r} returned {len(self.p_pass)} p_pass for {n}")
            bad = [p for p in self.p_pass if not (math.isfinite(p) and 0.0 <= p <= 1.0)]
            if bad:
                raise ValueError(f"scorer {who!r} returned p_pass outside [0, 1]: {bad[:3]}")
        return self

    @classmethod
    def missing(cls, n: int, why: str) -> Scores:
        """Nothing to score on: every candidate tied, no p_pass."""
        return cls([0.0] * n, None, "missing", why)


@runtime_checkable
class Scorer(Protocol):
    """Scores the candidates of one problem; must not look at ``passed`` or ``tests``."""

    @property
    def name(self) -> str:
        """A stable name, used in record and file names."""
        ...

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """Return one score per candidate, in the order given."""
        ...
