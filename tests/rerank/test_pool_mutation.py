"""``assay pool build --origin mutation`` on a handful of imported HumanEval and MBPP+ tasks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from assay.records.pool import PoolCandidate
from assay.rerank.pool_build import shuffle_problems
from assay.rerank.pool_io import code_sha256, read_pool
from assay.tasks.load import load_task
from assay.verify.batch import Candidate, verify_batch
from tests.conftest import ASSAY, run_assay
from tests.support.function import fn_pool, humaneval_dir, mbppplus_dir

__all__ = ["fn_pool", "humaneval_dir", "mbppplus_dir"]

HUMANEVAL = ["humaneval-1", "humaneval-3", "humaneval-53"]
"""Two problems with enough failing mutants for a pool of 4, and ``add`` with one mutant."""
MBPPPLUS = ["mbppplus-11", "mbppplus-104", "mbppplus-109"]
POOL_SIZE = 4


def _suite(source: Path, names: list[str], dest: Path) -> Path:
    dest.mkdir()
    for name in names:
        shutil.copytree(source / name, dest / name)
    return dest


def _build(suite: Path, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    return subprocess.run(
        [*ASSAY, "pool", "build", str(suite), "--origin", "mutation", "--out", str(out),
         "--pool-size", str(POOL_SIZE), "--seed", "7", *extra],
        capture_output=True, text=True, timeout=300, env=env, check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def small(tmp_path_factory, humaneval_dir, mbppplus_dir):
    root = tmp_path_factory.mktemp("mutation")
    he = _suite(humaneval_dir, HUMANEVAL, root / "humaneval")
    mb = _suite(mbppplus_dir, MBPPPLUS, root / "mbppplus")
    outs = {}
    # HumanEval twice (the determinism check), MBPP+ once: each build is a process of its own.
    for key, suite in (("he1", he), ("he2", he), ("mb1", mb)):
        out = root / key
        done = _build(suite, out)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().endswith(str(out))
        outs[key] = out
    return {"he": he, "mb": mb, **outs}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_two_builds_are_the_same_bytes(small) -> None:
    assert _files(small["he1"]) == _files(small["he2"])


def test_the_source_is_relative_to_the_pool_folder(small) -> None:
    # assay rerank finds the tasks (prompts, public tests) from there, whatever the cwd.
    source = read_pool(small["mb1"]).info.source
    assert not Path(source).is_absolute()
    assert (small["mb1"] / source).resolve() == small["mb"].resolve()


def test_kept_problems_hold_the_passing_reference_and_failing_mutants(small) -> None:
    for key, bench in (("he1", "humaneval"), ("mb1", "mbppplus")):
        pool = read_pool(small[key])
        assert pool.info.origin == "mutation" and pool.info.pool_size == POOL_SIZE
        assert pool.info.benchmarks == [bench] and pool.info.seed == 7
        assert pool.problems, key
        for (b, _problem), group in pool.problems.items():
            assert b == bench and len(group) == POOL_SIZE
            assert sorted(c.original_rank for c in group) == list(range(POOL_SIZE))
            ref = next(c for c in group if c.original_rank == 0)
            assert ref.candidate == "ref" and ref.passed and ref.detail["kind"] == "reference"
            mutants = [c for c in group if c.original_rank > 0]
            assert not any(c.passed for c in mutants)
            assert all(c.tests and all(t.suite == "hidden" for t in c.tests) for c in group)
            assert all(any(t.outcome != "passed" for t in c.tests) for c in mutants)
            assert all(t.outcome == "passed" for t in ref.tests)
            assert len({c.code_sha256 for c in group}) == POOL_SIZE
            # The mutants chosen are the first failing ones in the mutator's order.
            indices = [int(c.candidate[1:]) for c in sorted(mutants, key=lambda c: c.original_rank)]
            assert indices == sorted(indices)


def test_the_labels_are_the_gates_own(small) -> None:
    pool = read_pool(small["he1"])
    (key, group), *_ = pool.problems.items()
    task = load_task(small["he"] / key[1])
    verdicts = verify_batch([Candidate(task, c.code) for c in group])
    assert [v.passed for v in verdicts] == [c.passed for c in group]


def test_a_problem_without_enough_failing_mutants_is_dropped_with_its_reason(small) -> None:
    pool = read_pool(small["he1"])
    dropped = {d.problem: d for d in pool.dropped}
    assert dropped["humaneval-53"].reason == "too_few_failing"
    assert "needed" in dropped["humaneval-53"].detail
    assert ("humaneval", "humaneval-53") not in pool.problems
    assert pool.info.problems + pool.info.dropped == len(HUMANEVAL)


def test_a_broken_task_is_dropped_as_a_verification_error(small, tmp_path) -> None:
    suite = _suite(small["he"], ["humaneval-1"], tmp_path / "suite")
    # A changed reference makes the recorded expectations stale: the gate refuses to run.
    ref = suite / "humaneval-1" / "solution" / "solution.py"
    ref.write_text(ref.read_text() + "\n# changed\n")
    done = _build(suite, tmp_path / "pool")
    assert done.returncode == 0, done.stderr
    (d,) = read_pool(tmp_path / "pool").dropped
    assert d.reason == "verification_error" and "stale" in d.detail


def test_the_pool_verifies_with_manifest_verify_and_artifacts_verify(small) -> None:
    for command in ("manifest", "artifacts"):
        done = run_assay(command, "verify", str(small["mb1"]))
        assert done.returncode == 0, done.stdout + done.stderr
        assert "verified" in done.stdout
    (small["he2"] / "dropped.jsonl").write_text("")  # he2 is not read after this test
    for command in ("manifest", "artifacts"):
        done = run_assay(command, "verify", str(small["he2"]))
        assert done.returncode == 1 and "dropped.jsonl" in done.stdout


def _fake(problem: int, rank: int) -> PoolCandidate:
    code = f"x = {problem}, {rank}\n"
    return PoolCandidate(
        benchmark="b", problem=f"p{problem}", candidate=f"c{rank}", code=code,
        code_sha256=code_sha256(code), origin="mutation", original_rank=rank, seed=3,
        passed=rank == 0, tests=[],
    )  # fmt: skip


def test_the_shuffle_does_not_put_the_reference_first_systematically() -> None:
    problems = {("b", f"p{i}"): [_fake(i, r) for r in range(6)] for i in range(300)}
    for seed in (0, 1):
        order = shuffle_problems(problems, seed)
        first = Counter(
            [c.original_rank for c in order[k : k + 6]].index(0) for k in range(0, len(order), 6)
        )
        # Uniform over 6 places: 50 expected in each; the reference is first about 1 in 6.
        assert first[0] < 80 and len(first) == 6, first
    assert shuffle_problems(problems, 0) == shuffle_problems(problems, 0)
    assert shuffle_problems(problems, 0) != shuffle_problems(problems, 1)


def test_candidates_file_is_json_lines_sorted_by_problem(small) -> None:
    lines = (small["he1"] / "candidates.jsonl").read_text().splitlines()
    problems = [json.loads(line)["problem"] for line in lines]
    assert problems == sorted(problems)
