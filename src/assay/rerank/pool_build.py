"""What every pool origin shares: candidates labelled by the gate, shuffled, recorded.

An origin makes candidates per problem in an order (``original_rank``: 0 is the first made —
the reference for ``mutation``), labels them with the gate's verdicts (per-test results from
the verdict's ``tests``), and hands them here. :func:`finish` shuffles each problem's
candidates with one ``random.Random(seed)`` drawn in the problems' sorted order, so the pool
order never puts the first-made candidate first by construction, and writes the folder.
"""

from __future__ import annotations

import os
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from assay import __version__
from assay.records.pool import (
    CandidateTest,
    CandidateTestOutcome,
    DroppedProblem,
    Origin,
    PoolCandidate,
    PoolInfo,
)
from assay.records.verdict import TestOutcome, Verdict
from assay.rerank.pool_io import code_sha256, write_pool

Detail = dict[str, str | int | float | bool | None]

_OUTCOME: Mapping[TestOutcome, CandidateTestOutcome] = {
    "passed": "passed",
    "failed": "failed",
    "error": "error",
    "skipped": "skipped",
    "missing": "missing",
    # pytest's expected failures: an xfail that failed as expected did not run the check to
    # a pass; an xpass did pass it.
    "xfailed": "skipped",
    "xpassed": "passed",
}


@dataclass(frozen=True)
class Made:
    """A candidate as an origin made it, before labelling."""

    candidate: str
    code: str
    detail: Detail = field(default_factory=dict)


def candidate_tests(verdict: Verdict) -> list[CandidateTest]:
    """The verdict's per-test results as pool records carry them."""
    return [
        CandidateTest(id=t.id, suite=t.suite, outcome=_OUTCOME[t.outcome]) for t in verdict.tests
    ]


def labelled(
    benchmark: str,
    problem: str,
    made: Made,
    verdict: Verdict,
    *,
    origin: Origin,
    rank: int,
    seed: int,
) -> PoolCandidate:
    """One pool record: the candidate, where it came from, and the gate's verdict on it."""
    return PoolCandidate(
        benchmark=benchmark,
        problem=problem,
        candidate=made.candidate,
        code_sha256=code_sha256(made.code),
        code=made.code,
        origin=origin,
        original_rank=rank,
        seed=seed,
        passed=verdict.passed,
        tests=candidate_tests(verdict),
        detail=dict(made.detail),
    )


def created_now() -> str:
    """The pool's creation time: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.isoformat(timespec="seconds")


@dataclass
class Built:
    """A pool before it is written: kept problems, dropped problems, how it was made."""

    origin: Origin
    seed: int
    source: str
    problems: dict[tuple[str, str], list[PoolCandidate]] = field(default_factory=dict)
    dropped: list[DroppedProblem] = field(default_factory=list)
    pool_size: int | None = None
    suite_digest: str | None = None

    def drop(self, benchmark: str, problem: str, reason: str, detail: str = "") -> None:
        """Leave a problem out, saying why."""
        self.dropped.append(
            DroppedProblem.model_validate(
                {"benchmark": benchmark, "problem": problem, "reason": reason, "detail": detail}
            )
        )


def shuffle_problems(
    problems: Mapping[tuple[str, str], Sequence[PoolCandidate]], seed: int
) -> list[PoolCandidate]:
    """Every problem's candidates shuffled by one ``random.Random(seed)``, problems sorted."""
    rng = random.Random(seed)
    out: list[PoolCandidate] = []
    for key in sorted(problems):
        group = sorted(problems[key], key=lambda c: c.original_rank)
        rng.shuffle(group)
        out.extend(group)
    return out


def finish(built: Built, out: Path) -> PoolInfo:
    """Shuffle, describe and write the pool folder; return its description."""
    candidates = shuffle_problems(built.problems, built.seed)
    dropped = sorted(built.dropped, key=lambda d: (d.benchmark, d.problem))
    sizes = [len(g) for g in built.problems.values()]
    info = PoolInfo(
        generator=f"assay {__version__}",
        origin=built.origin,
        benchmarks=sorted({b for b, _ in built.problems} | {d.benchmark for d in dropped}),
        pool_size=built.pool_size or max(sizes, default=1),
        seed=built.seed,
        # Relative to the pool folder: it moves with the suite beside it, and names no home.
        source=os.path.relpath(Path(built.source).resolve(), out.resolve()),
        suite_digest=built.suite_digest,
        problems=len(built.problems),
        candidates=len(candidates),
        dropped=len(dropped),
        created=created_now(),
    )
    write_pool(out, info, candidates, dropped)
    return info
