"""assay split: grouped, seeded, both classes covered, or a typed coverage blocker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.errors import InputError
from assay.rerank.pool_io import read_pool
from assay.rerank.run import records_folder
from assay.rerank.split import parse_ratios, split_pool
from tests.conftest import run_assay
from tests.support.rerank import labelled_pool


def test_split_is_grouped_seeded_and_covers_both_classes(tmp_path: Path) -> None:
    labels = {("b", f"p{i:02d}"): [i % 3 == 0, i % 3 != 0, False] for i in range(40)}
    pool = read_pool(labelled_pool(tmp_path / "pool", labels))
    a, b = split_pool(pool, 4), split_pool(pool, 4)
    assert a.status == "ok" and a.splits == b.splits
    members = [m for v in a.splits.values() for m in v]
    assert sorted(members) == sorted(f"b/p{i:02d}" for i in range(40))
    assert (a.counts["validation"].problems, a.counts["test"].problems) == (2, 4)
    for name in ("validation", "test"):
        assert a.counts[name].passing > 0 and a.counts[name].failing > 0
    assert split_pool(pool, 5).splits != a.splits


def test_a_pool_that_cannot_cover_both_classes_is_a_typed_blocker(tmp_path: Path) -> None:
    # Only one problem has a passing candidate: validation and test cannot both hold one.
    labels = {("b", f"p{i}"): [i == 0, False] for i in range(10)}
    folder = labelled_pool(tmp_path / "pool", labels)
    record = split_pool(read_pool(folder), 1)
    assert record.status == "blocked" and record.blocker is not None
    assert record.blocker.kind == "split_coverage_blocker" and record.blocker.attempts == 100
    assert any("no passing candidate" in m for m in record.blocker.missing)
    proc = run_assay("split", str(folder))
    assert proc.returncode == 1
    assert "split_coverage_blocker" in proc.stderr and "no passing candidate" in proc.stderr
    written = json.loads((records_folder(folder) / "split.json").read_text())
    assert written["status"] == "blocked" and written["blocker"]["kind"] == "split_coverage_blocker"
    proc = run_assay("split", str(folder), "--ratios", "80/0/20")
    assert proc.returncode == 2 and "--ratios" in proc.stderr


@given(st.text(max_size=20))
def test_ratio_parser_accepts_only_three_shares(text: str) -> None:
    try:
        train, val, test = parse_ratios(text)
    except InputError as exc:
        assert "--ratios" in str(exc)
        return
    assert val > 0 and test > 0 and train >= 0
    assert text.replace(" ", "").strip().count("/") == 2


@given(st.integers(0, 999), st.integers(1, 999), st.integers(1, 999))
def test_ratio_parser_round_trips(train: int, val: int, test: int) -> None:
    assert parse_ratios(f"{train}/{val}/{test}") == (train, val, test)
    assert parse_ratios(f" {train} / {val} / {test} ") == (train, val, test)


def test_ratio_parser_names_the_option() -> None:
    with pytest.raises(InputError, match="TRAIN/VALIDATION/TEST"):
        parse_ratios("85-5-10")
