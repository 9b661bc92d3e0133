"""Model-judged scorer: a model states the probability that a candidate passes.

The model (any spec :func:`assay.models.spec.load_model` accepts) sees the task's prompt and
the candidate's code, never tests or labels, and is asked for one number in [0, 1]. The
first number of the reply is p_pass and the score. A reply without a number in [0, 1], or a
model fault, makes the whole problem ``missing`` (reranking ties its candidates) and says why.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assay.models.protocol import Model, ModelFault
from assay.models.types import META_TASK, Message, Request
from assay.records.pool import PoolCandidate
from assay.rerank.scorers.protocol import ProblemContext, Scores

_NUMBER = re.compile(r"(?<![\w.])(?:0(?:\.\d+)?|1(?:\.0+)?|\.\d+)(?![\w.])")
INSTRUCTION = (
    "You judge candidate solutions to a programming task. Reply with one number between 0"
    " and 1: the probability that the candidate passes the task's hidden tests. No other text."
)


def parse_probability(text: str) -> float | None:
    """The first number in [0, 1] written in ``text`` (``0.7``, ``1``, ``.25``), else None."""
    match = _NUMBER.search(text)
    return float(match.group(0)) if match else None


@dataclass(frozen=True)
class JudgedScorer:
    """p_pass as stated by a model."""

    model: Model
    name: str = "judged"

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """Ask once per candidate (temperature 0, the rerank seed)."""
        out: list[float] = []
        for c in candidates:
            request = Request(
                messages=(
                    Message("system", INSTRUCTION),
                    Message(
                        "user", f"Task:\n{context.prompt}\n\nCandidate:\n```python\n{c.code}```"
                    ),
                ),
                temperature=0.0,
                max_tokens=16,
                seed=context.seed,
                metadata={META_TASK: context.problem},
            )
            try:
                reply = self.model.generate(request)
            except ModelFault as exc:
                return Scores.missing(len(candidates), f"{c.candidate}: model fault: {exc.detail}")
            p = parse_probability(reply.text)
            if p is None:
                return Scores.missing(
                    len(candidates), f"{c.candidate}: no probability in reply {reply.text[:60]!r}"
                )
            out.append(p)
        return Scores(list(out), list(out))
