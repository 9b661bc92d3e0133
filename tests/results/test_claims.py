"""``assay claims RUN_DIR...``: pre-registered claims of real runs, and what closes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assay.results.claims import build_rows
from assay.results.runs import load_run
from tests.conftest import run_assay
from tests.support.rundir import CLAIM_IDS, copy_run, make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("claims"))


def claims_json(*args: str) -> tuple[int, dict[str, Any]]:
    done = run_assay("claims", *args, "--json")
    assert done.returncode in (0, 1), done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, data


def reasons(data: dict[str, Any], run: int = 0) -> dict[str, str | None]:
    return {r["claim"]["id"]: r["reason"] for r in data["runs"][run]["results"]}


def test_claims_of_a_run_fail_closed_with_a_reason(run: Path) -> None:
    done = run_assay("claims", str(run))
    assert done.returncode == 1, done.stderr
    for claim in CLAIM_IDS:
        assert f"{claim}: FAIL-CLOSED (insufficient_evidence)" in done.stdout
    assert "manifest" in done.stdout and "(intact)" in done.stdout


def test_check_json_holm_family_and_ledger_of_looks(run: Path) -> None:
    code, data = claims_json("check", str(run))
    assert code == 1
    assert data["schema"] == "assay.claims.runs.v1"
    (only,) = data["runs"]
    assert only["manifest_intact"] is True and only["flags"] == []
    results = only["results"]
    assert [r["claim"]["id"] for r in results] == CLAIM_IDS
    assert all(r["family_size"] == 2 and r["n"] == 3 and r["look"] == 1 for r in results)
    ledger = run / "claims" / "ledger.jsonl"
    assert len(ledger.read_text().splitlines()) == 2
    # The same data under the same specs is the same look; the option may come first.
    code_again, again = claims_json(str(run))
    assert (code_again, reasons(again)) == (code, reasons(data))
    assert len(ledger.read_text().splitlines()) == 2


def test_evaluate_on_a_csv_still_works(tmp_path: Path) -> None:
    rows = ["task,arm,attempt,value"] + [
        f"t{i},{a},0,{int(a == 'B')}" for i in range(12) for a in "AB"
    ]
    data = tmp_path / "rows.csv"
    data.write_text("\n".join(rows) + "\n")
    done = run_assay("claims", "evaluate", str(data), "--treatment", "B", "--control", "A")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("B-vs-A-success: SUPPORTED")


def test_a_changed_manifest_closes_every_claim(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "changed")
    manifest = copy / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"margin": 0.05', '"margin": 0.0'))
    code, data = claims_json(str(copy))
    assert code == 1
    assert data["runs"][0]["manifest_intact"] is False
    assert set(reasons(data).values()) == {"manifest_changed"}


def test_missing_events_close_the_claims_on_that_arm(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "gone")
    (copy / "events" / "lru-cache__loop__solo__s1.jsonl").unlink()
    _, data = claims_json(str(copy))
    assert reasons(data) == {
        "escalate-beats-solo": "missing_artifacts",  # solo is one of its arms
        "auto-cheaper-than-escalate": "insufficient_evidence",  # solo is not
    }
    (copy / "diffs" / "window-sums__loop__auto__s1.patch").unlink()
    _, data = claims_json(str(copy))
    assert set(reasons(data).values()) == {"missing_artifacts"}


def test_an_unfinished_run_is_run_unfinished(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "unfinished")
    attempts = copy / "attempts.jsonl"
    lines = attempts.read_text().splitlines()
    attempts.write_text("\n".join(ln for ln in lines if "__escalate__" not in ln) + "\n")
    _, data = claims_json(str(copy))
    assert set(reasons(data).values()) == {"run_unfinished"}
    assert "unfinished: 6 of 9" in data["runs"][0]["results"][0]["detail"]


def test_faults_and_interruptions_count_as_failures(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "faulted")
    attempts = copy / "attempts.jsonl"
    records = [json.loads(ln) for ln in attempts.read_text().splitlines()]
    winner = next(r for r in records if r["condition"] == "escalate" and r["success"])
    # The last line per attempt id wins: a later record turns a success into a fault.
    later = {**winner, "outcome": "fault", "fault": "endpoint down"}
    with attempts.open("a") as fh:
        fh.write(json.dumps(later) + "\n")
    data = load_run(copy)
    rows, flags = build_rows(data.manifest.claims, data)
    assert flags == []
    mine = [r for r in rows["success"] if r.task == winner["task_id"] and r.arm == "escalate"]
    assert [r.value for r in mine] == [None]  # no value: the gate scores it as a failure
    before = {
        r.task: r.value
        for r in build_rows(load_run(run).manifest.claims, load_run(run))[0]["success"]
        if r.arm == "escalate"
    }
    assert before[winner["task_id"]] == 1.0


def test_not_a_run_directory_exits_2(tmp_path: Path) -> None:
    done = run_assay("claims", str(tmp_path))
    assert done.returncode == 2
    assert "not a run directory" in done.stderr and "Traceback" not in done.stderr
