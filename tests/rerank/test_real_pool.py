"""A real HumanEval mutation pool, labelled by the gate: rerank, calibrate, split, cards."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.rerank.calibrate import calibrate, reliability_png
from assay.rerank.pool_io import read_pool
from assay.rerank.run import records_folder, rerank, write_record
from assay.rerank.scorers.plugins import CallableScorer
from assay.rerank.scorers.simple import LengthScorer
from assay.rerank.scoring import TaskFinder
from tests.conftest import run_assay
from tests.rerank.plugins import peeking
from tests.support.function import fn_pool
from tests.support.rerank import he_pool, he_small

__all__ = ["fn_pool", "he_pool", "he_small"]


def test_public_test_scorer_beats_random_on_humaneval_and_the_gate_is_shown(he_pool: Path) -> None:
    pool = read_pool(he_pool)
    assert len(pool.problems) >= 5
    proc = run_assay(
        "rerank", str(he_pool), "--scorer", "public_tests", "--seed", "1", "--seed", "2"
    )
    assert proc.returncode in (0, 1), proc.stderr
    print(proc.stdout)
    record = json.loads((records_folder(he_pool) / "public_tests.json").read_text())
    assert record["schema"] == "assay.rerank.v1"
    for s in record["slices"]:
        methods = s["methods"]
        assert methods["scorer"]["pass_at_1"] > methods["random"]["pass_at_1"]
        assert s["decidable"] == s["problems"]
    gates = {g["claim"]["id"]: g for g in record["gates"]}
    assert "lift-random[suite=humaneval,seed=1]" in gates
    assert "lift-shuffled[suite=humaneval,seed=2]" in gates
    assert record["status"] == gates["overall"]["status"]
    assert ("overall: " + record["status"]) in proc.stdout
    assert (records_folder(he_pool) / "pool_card.md").read_text().startswith("# Pool card")
    assert "public_tests" in (records_folder(he_pool) / "public_tests.card.md").read_text()


def test_calibrate_and_split_on_the_real_pool(he_pool: Path) -> None:
    proc = run_assay("split", str(he_pool), "--seed", "3", "--ratios", "50/25/25")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    split = json.loads((records_folder(he_pool) / "split.json").read_text())
    members = [m for v in split["splits"].values() for m in v]
    assert len(members) == len(set(members)) == len(read_pool(he_pool).problems)
    proc = run_assay("calibrate", str(he_pool), "--scorer", "tests.rerank.plugins:peeking")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    record = json.loads(
        (records_folder(he_pool) / "tests.rerank.plugins_peeking.calibration.json").read_text()
    )
    overall = record["overall"]
    assert overall["status"] == "ok" and overall["unstable"] is True
    assert overall["roc_auc"] == 1.0 and overall["auc_lower"] is None  # no spread: no interval
    parts = overall["reliability"] - overall["resolution"] + overall["uncertainty"]
    assert overall["brier"] == pytest.approx(parts, abs=1e-12)
    names = {s["name"] for s in record["slices"]}
    assert {"benchmark=humaneval", "split=train", "split=validation", "split=test"} <= names
    png = records_folder(he_pool) / record["diagram"]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_has_a_reranking_section_with_its_figures(he_pool: Path, tmp_path: Path) -> None:
    # The records are made in process (the CLI runs of them are tested above); the report
    # is the real command.
    pool = read_pool(he_pool)
    folder = tmp_path / "records"
    folder.mkdir()
    record = rerank(pool, LengthScorer(), [1], finder=TaskFinder([]))
    write_record(folder / "length.json", record)
    cal = calibrate(pool, CallableScorer("peek", peeking), 1, TaskFinder([]))
    png = reliability_png(cal, folder / "peek.reliability.png")
    assert png is not None
    write_record(folder / "peek.calibration.json", cal.model_copy(update={"diagram": png.name}))
    proc = run_assay("report", "--rerank", str(folder), "--out", str(tmp_path / "rep"))
    assert proc.returncode == 0, proc.stderr
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "## Reranking" in md and "### length on `pool`" in md
    assert "lift-random[suite=humaneval,seed=1]" in md
    assert "Calibration of peek" in md
    pngs = sorted(p.name for p in (tmp_path / "rep").glob("rerank_*.png"))
    assert any(n.startswith("rerank_forest") for n in pngs)
    assert any(n.startswith("rerank_reliability") for n in pngs)
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "Reranking" in html and "data:image/png;base64" in html
    proc = run_assay("report", "--rerank", str(tmp_path / "nothing"))
    assert proc.returncode == 2 and "--rerank" in proc.stderr
