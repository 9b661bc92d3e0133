"""The built-in scorers on small pools: lexical, length, logprob, judged (scripted model),
and a scorer found through an ``assay.scorers`` entry point."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from assay.rerank.pool_io import read_pool
from assay.rerank.scorers.judged import parse_probability
from assay.rerank.scorers.plugins import ScorerOptions, load_scorer
from assay.rerank.scorers.protocol import ProblemContext
from tests.conftest import ASSAY, REPO
from tests.support.rerank import candidate, labelled_pool


def test_simple_scorers_on_known_candidates(tmp_path: Path) -> None:
    a = candidate("b", "p", "a", "def total(xs):\n    return sum(xs)\n", True, 0, logprob_mean=-0.1)
    b = candidate("b", "p", "b", "def f(q):\n    return 0  # a longer body than a\n", False, 1)
    ctx = ProblemContext("b", "p", 1)
    length = load_scorer("length").score([a, b], ctx)
    assert length.scores == [-float(len(a.code.strip())), -float(len(b.code.strip()))]
    # A mutation pool's original order is the label: missing (see the test below).
    assert load_scorer("original").score([b, a], ctx).status == "missing"
    # No task folder: lexical has no prompt, logprob misses b's value.
    assert load_scorer("lexical").score([a, b], ctx).status == "missing"
    missing = load_scorer("logprob").score([a, b], ctx)
    assert missing.status == "missing" and "b: no logprob_mean" in missing.detail
    one = load_scorer("logprob").score([a], ctx)
    assert one.scores == [-0.1] and one.p_pass == [pytest.approx(0.904837418)]
    r1 = load_scorer("random").score([a, b], ctx)
    assert r1 == load_scorer("random").score([a, b], ctx)
    assert r1 != load_scorer("random").score([a, b], ProblemContext("b", "p", 2))


def test_parse_probability() -> None:
    assert parse_probability("0.75") == 0.75
    assert parse_probability("I'd say .3 overall") == 0.3
    assert parse_probability("p = 1") == 1.0
    assert parse_probability("7 out of 10") is None
    assert parse_probability("1.5") is None
    assert parse_probability("v0.9") is None


def test_judged_scorer_with_a_scripted_model(tmp_path: Path) -> None:
    labels = {("b", "p0"): [True, False], ("b", "p1"): [False, True]}
    pool = read_pool(labelled_pool(tmp_path / "pool", labels))
    script = {
        "schema": "assay.script.v1",
        "model": "scripted",
        "tasks": {
            "p0": [{"text": "0.9"}, {"text": "0.2"}],
            "p1": [{"text": "Probability: 0.1"}, {"text": "no idea"}],
        },
    }
    (tmp_path / "judge.json").write_text(json.dumps(script))
    judge = load_scorer("judged", ScorerOptions(model=f"scripted:{tmp_path / 'judge.json'}"))
    got = judge.score(pool.problems[("b", "p0")], ProblemContext("b", "p0", 1))
    assert got.status == "ok" and got.p_pass == [0.9, 0.2]
    bad = judge.score(pool.problems[("b", "p1")], ProblemContext("b", "p1", 1))
    assert bad.status == "missing" and "no probability" in bad.detail


def test_a_scorer_from_an_entry_point(tmp_path: Path) -> None:
    site = tmp_path / "site"
    dist = site / "myscorers-1.0.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: myscorers\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text(
        "[assay.scorers]\nfirst = tests.rerank.plugins:by_rank\nbroken = nowhere_at_all:f\n"
    )
    pool = labelled_pool(tmp_path / "pool", {("b", f"p{i}"): [True, False] for i in range(3)})
    env = {**os.environ, "PYTHONPATH": f"{site}{os.pathsep}{REPO}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        cmd = [*ASSAY, *args]
        return subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=300)

    proc = run("rerank", str(pool), "--scorer", "first", "--json")
    assert proc.returncode in (0, 1), proc.stderr
    record = json.loads(proc.stdout)
    assert (
        record["scorer"] == "first" and record["slices"][0]["methods"]["scorer"]["pass_at_1"] == 1.0
    )
    proc = run("rerank", str(pool), "--scorer", "broken")
    assert proc.returncode == 2 and "broken" in proc.stderr and "failed to load" in proc.stderr


def test_original_order_of_a_mutation_pool_is_missing_not_a_leak() -> None:
    from assay.records.pool import PoolCandidate
    from assay.rerank.pool_io import code_sha256
    from assay.rerank.scorers.protocol import ProblemContext
    from assay.rerank.scorers.simple import OriginalOrderScorer

    def cand(rank: int, origin: str) -> PoolCandidate:
        code = f"x = {rank}\n"
        return PoolCandidate.model_validate(
            {
                "benchmark": "b", "problem": "p", "candidate": f"c{rank}",
                "code_sha256": code_sha256(code), "code": code, "origin": origin,
                "original_rank": rank, "seed": 0, "passed": rank == 0, "tests": [],
            }
        )  # fmt: skip

    context = ProblemContext("b", "p", 1)
    mutation = OriginalOrderScorer().score([cand(1, "mutation"), cand(0, "mutation")], context)
    assert mutation.status == "missing"
    assert "reference first" in (mutation.detail or "")
    sample = OriginalOrderScorer().score([cand(1, "sample"), cand(0, "sample")], context)
    assert sample.status == "ok" and sample.scores == [-1.0, -0.0]
