"""assay rerank end to end: plugins (module:callable), bad specs exit 2 naming them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.errors import InputError
from assay.rerank.run import records_folder
from assay.rerank.scorers.plugins import load_scorer
from tests.conftest import run_assay
from tests.support.rerank import labelled_pool


@pytest.fixture(scope="module")
def small_pool(tmp_path_factory: pytest.TempPathFactory) -> Path:
    labels = {("b", f"p{i}"): [i % 2 == 0, True, False] for i in range(8)}
    return labelled_pool(tmp_path_factory.mktemp("cli") / "pool", labels)


def test_a_module_callable_scorer_runs_end_to_end(small_pool: Path) -> None:
    proc = run_assay(
        "rerank", str(small_pool), "--scorer", "tests.rerank.plugins:by_rank", "--json"
    )
    assert proc.returncode in (0, 1), proc.stderr
    record = json.loads(proc.stdout)
    (s,) = record["slices"]
    # by_rank puts the pool's first candidate on top: exactly the no-action baseline.
    assert s["methods"]["scorer"]["pass_at_1"] == s["methods"]["no_action"]["pass_at_1"] == 0.5
    assert (records_folder(small_pool) / "tests.rerank.plugins_by_rank.json").is_file()
    # The records sit beside the pool: the pool still verifies, and so do they (naming it).
    assert run_assay("artifacts", "verify", str(small_pool)).returncode == 0
    proc = run_assay("artifacts", "verify", str(records_folder(small_pool)))
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("no-such-scorer", "no such scorer"),
        ("tests.rerank.nowhere:f", "cannot be imported"),
        ("tests.rerank.plugins:missing", "has no attribute"),
        ("tests.rerank.plugins:NotAScorer", "no score method"),
        ("tests.rerank.plugins:NOT_CALLABLE", "is not a scorer"),
        ("judged", "needs a model"),
    ],
)
def test_bad_scorer_specs_are_input_errors_naming_them(spec: str, words: str) -> None:
    with pytest.raises(InputError) as caught:
        load_scorer(spec)
    assert spec in str(caught.value) and words in str(caught.value)


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        ("tests.rerank.plugins:missing", "has no attribute"),
        ("tests.rerank.plugins:wrong_length", "2 scores for 3 candidates"),
    ],
)
def test_bad_scorers_exit_2_naming_them(small_pool: Path, spec: str, words: str) -> None:
    proc = run_assay("rerank", str(small_pool), "--scorer", spec)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert spec in proc.stderr and words in proc.stderr
    assert "Traceback" not in proc.stderr


def test_bad_seeds_baselines_and_pools_exit_2(small_pool: Path, tmp_path: Path) -> None:
    proc = run_assay("rerank", str(small_pool), "--scorer", "random", "--seed", "0")
    assert proc.returncode == 2 and "--seed" in proc.stderr
    proc = run_assay("rerank", str(small_pool), "--scorer", "random", "--baseline", "best")
    assert proc.returncode == 2 and "best" in proc.stderr
    proc = run_assay("calibrate", str(tmp_path), "--scorer", "random")
    assert proc.returncode == 2 and "pool.json" in proc.stderr
