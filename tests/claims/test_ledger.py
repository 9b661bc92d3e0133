"""The ledger of looks: planned looks enforced, re-evaluation idempotent, crash-safe."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.claims import LookLedger, evaluate_claim
from assay.errors import InputError
from tests.support.claims import borderline_gain, paired_rows, spec, strong_gain


def test_first_look_is_recorded(tmp_path: Path) -> None:
    ledger = LookLedger(tmp_path / "looks.jsonl")
    result = evaluate_claim(spec(), strong_gain(), ledger=ledger)
    assert result.status == "supported"
    assert result.look == 1
    (record,) = ledger.records()
    assert record.claim_id == "b-beats-a"
    assert record.data_hash == result.data_hash
    assert record.spec_hash == spec().fingerprint()
    assert record.status == "supported"
    assert '"schema":"assay.claim.look.v1"' in (tmp_path / "looks.jsonl").read_text().replace(
        " ", ""
    )


def test_the_same_data_is_the_same_look(tmp_path: Path) -> None:
    ledger = LookLedger(tmp_path / "looks.jsonl")
    first = evaluate_claim(spec(), strong_gain(), ledger=ledger)
    again = evaluate_claim(spec(), list(reversed(strong_gain())), ledger=ledger)
    assert again.look == first.look == 1
    assert again.status == "supported"
    assert len(ledger.records()) == 1


def test_a_look_beyond_the_plan_is_looks_exhausted(tmp_path: Path) -> None:
    ledger = LookLedger(tmp_path / "looks.jsonl")
    early = evaluate_claim(spec(), borderline_gain()[:20], ledger=ledger)
    assert early.look == 1
    late = evaluate_claim(spec(), strong_gain(), ledger=ledger)
    assert late.look == 2
    assert late.reason == "looks_exhausted"
    assert [r.look for r in ledger.records()] == [1, 2]


def test_planned_looks_allow_more_looks_at_a_split_alpha(tmp_path: Path) -> None:
    ledger = LookLedger(tmp_path / "looks.jsonl")
    claim = spec(planned_looks=2)
    first = evaluate_claim(claim, paired_rows([1.0] * 4, [0.0] * 4), ledger=ledger)
    assert first.reason == "insufficient_evidence"
    second = evaluate_claim(claim, strong_gain(), ledger=ledger)
    assert second.look == 2
    assert second.status == "supported"
    assert second.alpha_per_look == pytest.approx(0.0125)
    third = evaluate_claim(claim, strong_gain()[:-2], ledger=ledger)
    assert third.reason == "looks_exhausted"


def test_a_spec_edited_after_a_look_is_manifest_changed(tmp_path: Path) -> None:
    ledger = LookLedger(tmp_path / "looks.jsonl")
    evaluate_claim(spec(margin=0.3), strong_gain(), ledger=ledger)
    moved = evaluate_claim(spec(margin=0.05), strong_gain(), ledger=ledger)
    assert moved.reason == "manifest_changed"


def test_invalid_data_spends_no_look(tmp_path: Path) -> None:
    ledger = LookLedger(tmp_path / "looks.jsonl")
    bad = evaluate_claim(spec(), strong_gain()[:-1], ledger=ledger)
    assert bad.reason == "data_invalid"
    assert bad.look is None
    assert ledger.records() == []
    assert evaluate_claim(spec(), strong_gain(), ledger=ledger).look == 1


def test_a_torn_last_line_is_not_a_look_and_is_repaired(tmp_path: Path) -> None:
    path = tmp_path / "looks.jsonl"
    ledger = LookLedger(path)
    evaluate_claim(spec(), strong_gain(), ledger=ledger)
    with path.open("a") as fh:
        fh.write('{"schema": "assay.claim.look.v1", "claim_id": "b-be')  # crash mid-write
    assert len(ledger.records()) == 1
    evaluate_claim(spec(id="second"), strong_gain(), ledger=ledger)
    assert [r.claim_id for r in ledger.records()] == ["b-beats-a", "second"]
    assert path.read_text().endswith("\n")


def test_a_corrupt_committed_line_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "looks.jsonl"
    path.write_text("not json\n")
    with pytest.raises(InputError) as caught:
        evaluate_claim(spec(), strong_gain(), ledger=LookLedger(path))
    problem = caught.value.problems[0]
    assert problem.file == str(path)
    assert problem.field == "line 1"
    assert "append-only" in problem.fix
