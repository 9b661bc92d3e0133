"""The real local model samples HumanEval as a one-shot run, and the samples become a pool.

Bounded by counts: two problems, one sample each, at most ``MAX_TOKENS`` completion tokens.
What a 135M model writes is what it is; only the recording is asserted.
"""

from __future__ import annotations

import shutil

import pytest

from assay.rerank.pool_io import read_pool
from assay.store.rundir import RunDir
from tests.conftest import run_assay
from tests.support.function import fn_pool, humaneval_dir
from tests.support.smollm import smollm

__all__ = ["fn_pool", "humaneval_dir", "smollm"]

PROBLEMS = ["humaneval-2", "humaneval-53"]
MAX_TOKENS = 48

pytestmark = pytest.mark.timeout(0)  # bounded by counts; the server's start has its own guard


def test_real_oneshot_samples_become_a_runs_pool(smollm, humaneval_dir, tmp_path) -> None:
    suite = tmp_path / "he"
    suite.mkdir()
    for name in PROBLEMS:
        shutil.copytree(humaneval_dir / name, suite / name)
    run = tmp_path / "run"
    done = run_assay(
        "run", "--suite", str(suite), "--agent", "oneshot", "--model", smollm,
        "--temperature", "0.2", "--max-tokens", str(MAX_TOKENS), "--out", str(run),
        "--quiet", "--no-preflight",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    records = RunDir.open(run).latest()
    assert len(records) == len(PROBLEMS)
    for r in records.values():
        assert r.model_calls == 1 and r.outcome in {"completed", "stagnated"}, r.fault
        assert r.tokens.prompt > 0 and 0 < r.tokens.completion <= MAX_TOKENS  # real tokens
        assert r.verdict is not None
    pool_dir = tmp_path / "pool"
    done = run_assay("pool", "build", str(run), "--origin", "runs", "--out", str(pool_dir))
    assert done.returncode == 0, done.stderr
    pool = read_pool(pool_dir)
    # Every attempt's final module is a candidate (an unchanged stub too, if nothing parsed).
    assert len(pool.candidates) == len(records)
    for c in pool.candidates:
        r = records[c.candidate]
        assert c.passed == r.success and c.detail["completion_tokens"] == r.tokens.completion
        assert c.detail["temperature"] == 0.2 and str(c.detail["model"]).startswith("openai:")
    print(
        f"\nSmolLM2 one-shot pool: {sum(c.passed for c in pool.candidates)}/{len(pool.candidates)}"
    )
