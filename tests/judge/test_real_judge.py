"""A real local judge: SmolLM2-135M (llama.cpp server on loopback) judges the small run.

Its scores are what they are (a 135M model rarely writes the JSON asked for); the test
asserts only that real judgments, with real tokens, were recorded. Work is bounded by
counts: one pair (``--limit 1``), one order, 16 reply tokens.
"""

from __future__ import annotations

import pytest

from assay.judge import read_judgments
from tests.conftest import run_assay
from tests.models.test_real_model import smollm  # noqa: F401  (the module-scoped server)

pytestmark = pytest.mark.timeout(0)  # bounded by counts; the fixture has its own hang guards


def test_smollm_judgments_with_tokens_are_recorded(smollm, judged_copy):  # noqa: F811
    done = run_assay(
        "judge", str(judged_copy), "--judge-model", smollm, "--max-tokens", "16", "--limit", "1"
    )
    assert done.returncode == 0, done.stderr
    judgments = read_judgments(judged_copy)
    assert len(judgments) == 1
    for j in judgments:
        assert j.judge_model.endswith("smollm2")
        assert j.tokens.prompt > 0 and j.tokens.completion > 0
        assert j.status in ("ok", "failed") and (j.status == "ok") == (j.failure is None)
