"""Public-test scorer: how many of the task's visible tests each candidate passes.

Each candidate is laid over a copy of the task's workspace and verified by the real gate
with ``scope="public"`` (the public tests only, in the sandbox, one repeat). The hidden
tests — the labels — are never run.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assay.records.pool import PoolCandidate
from assay.rerank.scorers.protocol import ProblemContext, Scores
from assay.tasks.load import Task


def candidate_module(task: Task) -> str:
    """The workspace file a pool candidate's code goes into."""
    fn = task.spec.verify.function
    return fn.module if fn is not None else "solution.py"


def lay_over(task: Task, code: str, folder: Path) -> Path:
    """A workspace: the task's pristine one with the candidate's module written in."""
    ws = folder / "ws"
    shutil.copytree(task.workspace, ws)
    (ws / candidate_module(task)).write_text(code, encoding="utf-8")
    return ws


@dataclass(frozen=True)
class PublicTestScorer:
    """Score = public tests passed; p_pass = the share passed."""

    name: str = "public_tests"
    _seen: dict[tuple[str, str], tuple[int, int]] = field(
        default_factory=dict, compare=False, repr=False
    )
    """(task id, code sha256) → (passed, total): the verdict does not depend on the seed."""

    def score(self, candidates: Sequence[PoolCandidate], context: ProblemContext) -> Scores:
        """Run each candidate on the visible tests; missing without a task folder."""
        from assay.verify.gate import verify

        task = context.task
        if task is None:
            return Scores.missing(len(candidates), "task folder not found: no public tests")
        passed: list[float] = []
        shares: list[float] = []
        for c in candidates:
            key = (task.id, c.code_sha256)
            if key not in self._seen:
                with tempfile.TemporaryDirectory(prefix="assay-rerank-") as tmp:
                    ws = lay_over(task, c.code, Path(tmp))
                    verdict = verify(task, ws, scope="public", repeats=1)
                public = [t for t in verdict.tests if t.suite == "public"]
                self._seen[key] = (sum(t.outcome == "passed" for t in public), len(public))
            ok, total = self._seen[key]
            if not total:
                return Scores.missing(len(candidates), "the task has no public tests")
            passed.append(float(ok))
            shares.append(ok / total)
        return Scores(passed, shares)
