"""The audit distortion a run's own audit sample bounds, beside the declared budget (issue 12).

A real run with a condition that audits a seeded 50% sample: every draw is an
``audit_draw`` event, each attempt's first draw splits it into audited and unaudited, and
``assay claims`` shows the difference and its 95% bound beside the declared budget.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_assay
from tests.support.rundir import MANIFEST

TASKS = ["window-sums", "lru-cache", "money-rounding"]
CLAIM = """
[[claims]]
id = "audited-beats-solo"
metric = "success"
treatment = "audited"
control = "solo"
audit_distortion_budget = 0.05
rationale = "half the attempts are reviewed"
"""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("audit")
    text = MANIFEST.format(tasks=json.dumps(TASKS), seeds=3, attempts=2)
    text = text.replace('id = "escalate"', 'id = "audited"').replace(
        'escalate_when = ["hazard", "repeated_failure", "always"]', 'escalate_when = ["sample:0.5"]'
    )
    (root / "m.toml").write_text(text + CLAIM)
    out = root / "run"
    done = run_assay("run", str(root / "m.toml"), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    return out


def _first_draws(run: Path) -> dict[str, bool]:
    out = {}
    for line in (run / "attempts.jsonl").read_text().splitlines():
        r = json.loads(line)
        for event in (run / r["events"]).read_text().splitlines():
            e = json.loads(event)
            if e["kind"] == "audit_draw":
                assert e["data"]["rate"] == 0.5
                out[r["attempt_id"]] = e["data"]["selected"]
                break
    return out


def test_each_draw_is_recorded_and_splits_the_sampled_arm(run: Path) -> None:
    draws = _first_draws(run)
    audited_arm = [
        json.loads(ln)
        for ln in (run / "attempts.jsonl").read_text().splitlines()
        if json.loads(ln)["condition"] == "audited"
    ]
    assert set(draws) == {r["attempt_id"] for r in audited_arm}  # only the sampled arm draws
    escalated = {r["attempt_id"] for r in audited_arm if r["escalations"] > 0}
    assert {a for a, selected in draws.items() if selected} <= escalated

    done = run_assay("claims", str(run), "--json")
    (estimate,) = json.loads(done.stdout)["runs"][0]["audit_distortion"]
    assert estimate["condition"] == "audited" and estimate["budget"] == 0.05
    assert estimate["audited"] == sum(draws.values())
    assert estimate["unaudited"] == len(draws) - sum(draws.values())
    if estimate["upper_bound"] is not None:
        assert estimate["upper_bound"] >= abs(estimate["difference"])
        assert estimate["covered"] == (estimate["upper_bound"] <= 0.05)
    else:
        assert "not estimable" in estimate["note"]
    text = run_assay("claims", str(run))
    assert (
        "audit distortion (audited-beats-solo, audited, sample 0.5): declared budget 0.05"
        in text.stdout
    )


def test_the_report_shows_budgets_rationale_and_the_measured_distortion(
    run: Path, tmp_path: Path
) -> None:
    done = run_assay("report", str(run), "--out", str(tmp_path / "rep"))
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "rep" / "report.md").read_text()
    budgets = md[md.index("## Claim budgets") :]
    assert "half the attempts are reviewed" in budgets
    assert "audited (sample 0.5)" in budgets or "not estimable" in budgets
