"""The real local model (SmolLM2-135M) runs one kit through ``assay attempt``.

A 135M model does not fix a six-module kit: the outcome is one of the unfinished classes,
the exit code is that outcome's, and the per-pass records account for every pass. Work is
bounded by counts (2 passes x 3 steps, 160 tokens a call).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.records.outcome import EXIT_CODES
from assay.results.passes import passes_of
from assay.results.runs import load_run
from tests.conftest import run_assay
from tests.models.test_real_model import smollm  # noqa: F401  (the llama.cpp server fixture)

pytestmark = pytest.mark.timeout(0)
KIT = Path(__file__).resolve().parents[2] / "src" / "assay" / "suites" / "kits" / "collections-kit"


def test_smollm_attempts_a_kit(smollm: str, tmp_path: Path) -> None:  # noqa: F811
    config = ["max_passes=2", "max_steps=3", "max_tokens=160", "max_stale=2", "ctx_limit=4000"]
    done = run_assay(
        "attempt",
        str(KIT),
        "--model",
        smollm,
        *[a for c in config for a in ("--config", c)],
        "--workdir",
        str(tmp_path / "run"),
    )
    (record,) = load_run(tmp_path / "run").records
    assert done.returncode == EXIT_CODES[record.outcome], done.stderr[-2000:]
    assert record.outcome in ("stagnated", "budget")
    rows = passes_of(record, tmp_path / "run")
    assert 1 <= len(rows) <= 2
    assert [p.reason for p in rows] == record.pass_reasons[-1]
    assert sum(p.model_calls for p in rows) == record.model_calls <= 6
