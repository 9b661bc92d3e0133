"""A killed run resumes with nothing lost, its claims included (issue 12, looks).

Kill (SIGKILL, a real subprocess) → ``assay report`` → ``assay run --resume`` →
``assay claims``: the report on the unfinished run computes no effect statistic and spends
no look, so the finished run's claims are decided at look 1. An interim look is taken only
when asked (``--interim``) and is then one of the planned looks.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO, run_assay
from tests.support.rundir import CLAIMS, manifest_text

TASKS = ["window-sums", "lru-cache", "money-rounding", "semver-order"]


def _kill_mid_way(manifest: Path, out: Path, at_least: int = 1) -> int:
    """Start ``assay run``, SIGKILL it once ``at_least`` attempts are recorded."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "assay.cli", "run", str(manifest), "--out", str(out), "--quiet"],
        cwd=REPO,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    attempts = out / "attempts.jsonl"
    recorded = 0
    for _ in range(3000):  # a hang guard: 0.1 s polls, bounded by count
        if proc.poll() is not None:
            break
        if attempts.exists():
            recorded = attempts.read_text().count("\n")
            if recorded >= at_least:
                break
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    return attempts.read_text().count("\n") if attempts.exists() else 0


def test_kill_report_resume_claims_decides_at_look_one(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    planned = len(TASKS) * 3
    manifest.write_text(manifest_text(TASKS, attempts=1) + CLAIMS)
    out = tmp_path / "run"
    recorded = _kill_mid_way(manifest, out)
    assert 1 <= recorded < planned, recorded  # killed mid-way, as the test needs

    report = run_assay("report", str(out), "--out", str(tmp_path / "rep"))
    assert report.returncode == 0, report.stderr
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "run_unfinished" in md
    assert not (out / "claims" / "ledger.jsonl").exists()  # looking spent nothing

    resumed = run_assay("run", "--resume", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    done = run_assay("claims", str(out), "--json")
    assert done.returncode in (0, 1), done.stderr
    results = json.loads(done.stdout)["runs"][0]["results"]
    assert {r["look"] for r in results} == {1}
    assert all(r["reason"] not in ("run_unfinished", "looks_exhausted") for r in results)
    assert all(r["mean_difference"] is not None for r in results)  # decided on the data
    ledger = (out / "claims" / "ledger.jsonl").read_text().splitlines()
    assert len(ledger) == len(results) and all('"interim"' not in ln for ln in ledger)


def test_an_interim_look_is_asked_for_and_spends_a_planned_look(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    two_looks = CLAIMS.replace("min_n = 3", "min_n = 3\nplanned_looks = 2")
    manifest.write_text(manifest_text(TASKS, seeds=2, attempts=1) + two_looks)
    out = tmp_path / "run"
    # Seed 1 of every task and arm first (the plan's order), then the kill: every task has
    # both arms of each claim, so the interim look has statistics to compute.
    recorded = _kill_mid_way(manifest, out, at_least=len(TASKS) * 3)
    assert len(TASKS) * 3 <= recorded < len(TASKS) * 6, recorded

    asked = run_assay("claims", str(out), "--json", "--interim")
    assert asked.returncode == 1, asked.stderr
    results = json.loads(asked.stdout)["runs"][0]["results"]
    assert all(r["interim"] and r["look"] == 1 for r in results)
    assert all(r["alpha_per_look"] == 0.0125 for r in results)  # alpha split over 2 looks
    interim = [json.loads(ln) for ln in (out / "claims" / "ledger.jsonl").read_text().splitlines()]
    assert interim and all(rec["interim"] for rec in interim)
    # The report's interim look on the same data is the same look: nothing new is spent.
    report = run_assay("report", str(out), "--interim", "--out", str(tmp_path / "rep"))
    assert report.returncode == 0, report.stderr
    assert "1/2 (interim)" in (tmp_path / "rep" / "report.md").read_text()
    assert (out / "claims" / "ledger.jsonl").read_text().count("\n") == len(interim)

    resumed = run_assay("run", "--resume", str(out), "--quiet")
    assert resumed.returncode == 0, resumed.stderr
    final = run_assay("claims", str(out), "--json")
    results = json.loads(final.stdout)["runs"][0]["results"]
    assert {r["look"] for r in results} == {2}  # the second of the two planned looks
    assert all(r["reason"] != "looks_exhausted" and not r.get("interim") for r in results)
