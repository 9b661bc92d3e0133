"""Claim families on a real run directory: per suite, requires_all, where (issue 12).

A two-suite run where one suite shows a gain and the other none: the overall claim, which
requires every per-suite sub-claim, fails closed naming the failing one. The run is real
(``assay run``, scripted model, the real gate); its outcomes are then set per suite in
``attempts.jsonl`` so the data say exactly "gain in suite a, none in suite b".
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assay.tasks.suite import BUNDLED_ROOT
from tests.conftest import run_assay

SOURCE = ["window-sums", "lru-cache", "money-rounding", "semver-order"]
PER_SUITE = 10

MANIFEST = """
schema = "assay.manifest.v1"
name = "two-suites"
suites = ["a", "b"]

[[agents]]
id = "loop"
model = "scripted:builtin:repair-demo"
config = {{ max_passes = 2, max_steps = 8, max_stale = 2 }}

[[conditions]]
id = "solo"

[[conditions]]
id = "auto"
channels = ["public-tests"]

[concurrency]
attempts = 2

[[claims]]
id = "gain"
metric = "success"
treatment = "auto"
control = "solo"
per = ["suite"]
requires_all = ["gain[*]"]
rationale = "{rationale}"

[[claims]]
id = "gain-a"
metric = "success"
treatment = "auto"
control = "solo"
where = {{ suite = "a", tags = ["{tag}"] }}
"""


def _suite(root: Path, name: str) -> list[str]:
    """PER_SUITE task folders copied from the bundled suite, each with its own id."""
    ids = []
    for k in range(PER_SUITE):
        src = BUNDLED_ROOT / "repair" / SOURCE[k % len(SOURCE)]
        task_id = f"{name}-{k}-{src.name}"
        dest = root / name / task_id
        shutil.copytree(src, dest)
        toml = dest / "task.toml"
        text = toml.read_text()
        toml.write_text(text.replace(f'id = "{src.name}"', f'id = "{task_id}"', 1))
        ids.append(task_id)
    return ids


@pytest.fixture(scope="module")
def two_suite_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("families")
    _suite(root, "a")
    _suite(root, "b")
    # "off-by-one" is window-sums' tag alone: three of each suite's ten tasks carry it.
    (root / "m.toml").write_text(MANIFEST.format(rationale="gate per benchmark", tag="off-by-one"))
    out = root / "run"
    done = run_assay("run", str(root / "m.toml"), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    # Suite a: auto succeeds and solo fails on nine tasks, both succeed on the tenth;
    # suite b: both fail everywhere.
    lines = []
    for line in (out / "attempts.jsonl").read_text().splitlines():
        r = json.loads(line)
        tie = r["task_id"].startswith(f"a-{PER_SUITE - 1}-")
        r["success"] = r["task_id"].startswith("a-") and (r["condition"] == "auto" or tie)
        r["outcome"] = "completed"
        lines.append(json.dumps(r))
    (out / "attempts.jsonl").write_text("\n".join(lines) + "\n")
    return out


def test_overall_claim_fails_closed_naming_the_suite_without_a_gain(two_suite_run: Path) -> None:
    done = run_assay("claims", str(two_suite_run), "--json")
    assert done.returncode == 1, done.stderr
    results = {r["claim"]["id"]: r for r in json.loads(done.stdout)["runs"][0]["results"]}
    assert set(results) == {"gain", "gain[suite=a]", "gain[suite=b]", "gain-a"}
    overall = results["gain"]
    assert overall["status"] == "fail_closed"
    assert overall["reason"] == "requirement_failed"
    assert overall["failed_requirements"] == ["gain[suite=b]"]
    assert "gain[suite=b]" in overall["detail"]
    assert results["gain[suite=a]"]["status"] == "supported"
    assert results["gain[suite=a]"]["parent"] == "gain"
    assert results["gain[suite=a]"]["n"] == PER_SUITE
    assert results["gain[suite=b]"]["reason"] == "insufficient_evidence"
    assert results["gain[suite=b]"]["mean_difference"] == 0
    # where: suite a and a tag three of its tasks carry.
    assert results["gain-a"]["n"] == 3
    text = run_assay("claims", str(two_suite_run))
    assert "gain: FAIL-CLOSED (requirement_failed)" in text.stdout


def test_report_lists_sub_claims_and_the_rationale(two_suite_run: Path, tmp_path: Path) -> None:
    done = run_assay("report", str(two_suite_run), "--out", str(tmp_path / "rep"))
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "gain[suite=b]" in md and "requirement_failed" in md
    assert "gate per benchmark" in md


def test_requirements_naming_no_claim_are_refused_before_running(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    m = tmp_path / "m.toml"
    text = MANIFEST.format(rationale="x", tag="lists").replace(
        'requires_all = ["gain[*]"]', 'requires_all = ["gain[suite=c]"]'
    )
    m.write_text(text)
    done = run_assay("run", str(m), "--out", str(tmp_path / "r"))
    assert done.returncode == 2
    assert "claims.0.requires_all" in done.stderr and "gain[suite=c]" in done.stderr
    assert not (tmp_path / "r").exists()
