"""Planned attempts come from the manifest and the tasks recorded at start (issue 19 item 2).

A run missing records says ``unfinished: N of M`` in its report and its claims, where M is
what the manifest planned over every task, including tasks with no record at all.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.results.runs import load_run
from tests.conftest import run_assay
from tests.support.rundir import CLAIMS, copy_run, manifest_text

TASKS = ["window-sums", "lru-cache"]


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("unfinished")
    m = folder / "m.toml"
    m.write_text(manifest_text(TASKS, attempts=2) + CLAIMS.replace("min_n = 3", "min_n = 2"))
    out = folder / "run"
    done = run_assay("run", str(m), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return out


def _keep(run: Path, dest: Path, keep) -> Path:
    copy = copy_run(run, dest)
    attempts = copy / "attempts.jsonl"
    lines = [ln for ln in attempts.read_text().splitlines() if keep(json.loads(ln))]
    attempts.write_text("".join(ln + "\n" for ln in lines))
    return copy


def test_a_task_without_any_record_still_counts_as_planned(run, tmp_path):
    copy = _keep(run, tmp_path / "c", lambda r: r["task_id"] == "lru-cache")
    data = load_run(copy)
    assert len(data.planned()) == 6 and len(data.missing_attempts()) == 3
    assert data.progress_note() == (
        "unfinished: 3 of 6 planned attempts recorded (resume it with `assay run --resume RUN_DIR`)"
    )
    report = run_assay("report", str(copy), "--out", str(tmp_path / "rep"))
    assert report.returncode == 0, report.stderr
    md = (tmp_path / "rep" / "report.md").read_text()
    html = (tmp_path / "rep" / "report.html").read_text()
    assert "unfinished: 3 of 6" in md.split("\n## ")[0]  # on the first page, at the top
    assert "unfinished: 3 of 6" in html


def test_claims_fail_closed_on_an_unfinished_run_unless_asked(run, tmp_path):
    # A whole task still to run: the finished one can be looked at, on request.
    copy = _keep(run, tmp_path / "c", lambda r: r["task_id"] != "lru-cache")
    done = run_assay("claims", str(copy), "--json")
    assert done.returncode == 1, done.stderr
    results = json.loads(done.stdout)["runs"][0]["results"]
    assert {r["reason"] for r in results} == {"run_unfinished"}
    assert all("unfinished: 3 of 6" in r["detail"] for r in results)
    assert all(r["mean_difference"] is None for r in results)  # nothing was looked at
    assert not (copy / "claims" / "ledger.jsonl").exists()
    asked = run_assay("claims", str(copy), "--json", "--allow-unfinished")
    assert asked.returncode == 1, asked.stderr
    reasons = {r["reason"] for r in json.loads(asked.stdout)["runs"][0]["results"]}
    assert reasons == {"insufficient_evidence"}  # one task is too few, but it was weighed
    assert (copy / "claims" / "ledger.jsonl").exists()  # an interim look is a look


def test_a_finished_run_is_not_unfinished(run):
    data = load_run(run)
    assert data.missing_attempts() == set() and data.progress_note() is None
