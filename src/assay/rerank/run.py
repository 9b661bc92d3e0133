"""``assay rerank``: a scorer over a pool under each seed, summarized, gated, recorded.

The record goes to ``POOL.rerank/<scorer>.json`` (``assay.rerank.v1``; a folder beside the
pool, so the pool's own artifact index still verifies), with the scorer's card
``<scorer>.card.md``, the pool card ``pool_card.md`` and an artifact index naming the pool
as its parent.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from assay import __version__
from assay.records.canonical import dumps
from assay.records.pool import POOL_CANDIDATES
from assay.records.rerank import RERANK_SUFFIX, ProblemScore, RerankRecord
from assay.release.artifacts import write_artifacts
from assay.rerank.gates import decide, overall
from assay.rerank.lift import problem_values, summarize
from assay.rerank.pool_io import Pool
from assay.rerank.scorers.protocol import Scorer
from assay.rerank.scoring import TaskFinder, score_pool
from assay.store.atomic import write_atomic

DEFAULT_BASELINES = ("random", "no_action", "shuffled")
DEFAULT_MARGIN = 0.03
"""δ0 of every gate: 3 points of pass@1, the smallest lift worth claiming."""


def pool_digest(pool: Pool) -> str:
    """sha256 of the pool's candidates file (what every record was computed from)."""
    return hashlib.sha256((pool.folder / POOL_CANDIDATES).read_bytes()).hexdigest()


def now() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def rerank(
    pool: Pool,
    scorer: Scorer,
    seeds: Sequence[int],
    *,
    finder: TaskFinder,
    baselines: Sequence[str] = DEFAULT_BASELINES,
    margin: float = DEFAULT_MARGIN,
    alpha: float = 0.025,
    ks: Sequence[int] = (5,),
) -> RerankRecord:
    """Score, summarize per benchmark × seed, decide the gates."""
    problems: list[ProblemScore] = []
    slices = []
    for seed in seeds:
        scores = score_pool(pool, scorer, seed, finder)
        by_bench: dict[str, list[tuple[ProblemScore, dict[str, tuple[float, dict[int, float]]]]]]
        by_bench = defaultdict(list)
        for key, candidates in pool.problems.items():
            by_bench[key[0]].append(problem_values(candidates, scores[key], seed, ks))
        for bench in sorted(by_bench):
            values = by_bench[bench]
            problems += [v[0] for v in values]
            slices.append(summarize(bench, seed, [v[0] for v in values], [v[1] for v in values]))
    gates = decide(problems, baselines, margin=margin, alpha=alpha)
    verdict = overall(gates)
    saturated = bool(slices) and all(s.saturated for s in slices)
    detail = verdict.detail
    if saturated:
        detail = "saturated: no problem has both passing and failing candidates; " + detail
    return RerankRecord(
        generator=f"assay {__version__}",
        pool=str(pool.folder),
        pool_digest=pool_digest(pool),
        scorer=scorer.name,
        seeds=list(seeds),
        baselines=list(baselines),
        margin=margin,
        alpha=alpha,
        slices=slices,
        problems=problems,
        gates=gates,
        status=verdict.status,
        detail=detail,
        saturated=saturated,
        created=now(),
    )


def records_folder(pool_folder: Path) -> Path:
    """The default folder of a pool's rerank records: ``POOL.rerank`` beside it."""
    return pool_folder.parent / f"{pool_folder.name}{RERANK_SUFFIX}"


def results_dir(pool: Pool, out: Path | None = None) -> Path:
    """Where rerank, calibrate and split write (``POOL.rerank`` unless given)."""
    folder = out if out is not None else records_folder(pool.folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def seal(folder: Path, pool: Pool) -> Path:
    """Index the records folder's files, naming the pool (by its index's hash) as parent."""
    return write_artifacts(folder, parents=[pool.folder])


def write_record(path: Path, record: object) -> Path:
    """Write a record as canonical indented JSON, atomically."""
    write_atomic(path, dumps(record, indent=2) + "\n")
    return path
