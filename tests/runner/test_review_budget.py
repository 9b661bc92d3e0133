"""Review spend in dollars at the manifest's [prices], and the review budget that refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.records.attempt import ChannelRecord, Tokens
from assay.records.manifest import BudgetLimits, ReviewBudget
from assay.results.metrics import arm_metrics
from assay.results.runs import load_run
from assay.runner.review_budget import ReviewAccount, review_spend
from tests.conftest import run_assay

MANIFEST = """
name = "budget"
suites = ["repair"]
tasks = ["lru-cache", "running-stats", "semver-order"]
seeds = 3

[[agents]]
id = "loop"
model = "scripted:builtin:repair-demo"
config = {{ max_passes = 4, max_steps = 20, max_stale = 2 }}

[[conditions]]
id = "escalate"
channels = ["public-tests", "lint", "hazard-scan"]
max_retries = 2
escalate_to = "review"
escalate_when = ["always"]

[review]
kind = "llm"
model = "scripted:builtin:repair-review"

[costs]
review = 10.0
{extra}
"""
PRICED = """
[prices."scripted-reviewer"]   # the bare model id of scripted:scripted-reviewer
input = 1.0
output = 2.0

[review_budget.attempt]
reviews = 1

[review_budget.run]
cost = 60.0
"""


def test_priced_reviews_cost_dollars_and_the_budget_refuses_the_rest(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text(MANIFEST.format(extra=PRICED))
    out = tmp_path / "r"
    done = run_assay("run", str(manifest), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    run = load_run(out)
    reviews = [c for r in run.records for c in r.channels if c.channel == "review"]
    # Six reviews at a cost of 10 fill the run's budget of 60; nine attempts wanted one each.
    assert len(reviews) == 6
    for c in reviews:
        assert c.tokens is not None
        assert c.cost_usd == pytest.approx(
            (c.tokens.prompt * 1.0 + c.tokens.completion * 2.0) / 1e6
        )
    refused = [x for r in run.records for x in r.refused_escalations]
    by_reason = {x.reason for x in refused}
    assert by_reason == {"attempt_budget", "run_budget"}
    assert sum(x.reason == "run_budget" for x in refused) >= 3  # three attempts got none
    for r in run.records:
        assert len([c for c in r.channels if c.escalation]) <= 1  # the attempt's limit
        if any(x.reason == "attempt_budget" for x in r.refused_escalations):
            assert r.escalations == 1
        for x in r.refused_escalations:
            assert x.channel == "review" and x.limit.startswith(x.reason.split("_")[0] + ".")
    # The agent's own model is unpriced: its cost stays unknown beside the priced reviews.
    assert all(r.cost_usd is None for r in run.records)
    (arm,) = arm_metrics(run.records)
    assert arm.review.priced == arm.review.inspections == 6
    assert arm.review.cost_usd == pytest.approx(sum(c.cost_usd or 0.0 for c in reviews))
    assert arm.review.refused == len(refused)
    report = run_assay("report", str(out), "--out", str(tmp_path / "rep"))
    assert report.returncode == 0, report.stderr
    md = (tmp_path / "rep" / "report.md").read_text(encoding="utf-8")
    row = next(line for line in md.splitlines() if line.startswith("| escalate |") and "$" in line)
    assert f"${arm.review.cost_usd:.4f}" in row and row.rstrip(" |").endswith(str(len(refused)))


def test_a_dollar_budget_for_an_unpriced_reviewer_is_bad_input(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text(MANIFEST.format(extra="[review_budget.run]\nusd = 1.0\n"))
    out = tmp_path / "r"
    done = run_assay("run", str(manifest), "--out", str(out), "--quiet")
    assert done.returncode == 2, done.stderr
    assert "review_budget.run.usd" in done.stderr and "has no price" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()  # validated before anything was created


def _review(cost: float, tokens: int | None, usd: float | None) -> ChannelRecord:
    return ChannelRecord(
        round=0,
        channel="review",
        flag=False,
        cost=cost,
        findings=[],
        truth_failed=False,
        escalation=True,
        tokens=None if tokens is None else Tokens(prompt=tokens, completion=0),
        cost_usd=usd,
    )


limits = st.builds(
    BudgetLimits,
    reviews=st.none() | st.integers(0, 6),
    cost=st.none() | st.floats(0, 50),
    usd=st.none() | st.floats(0, 1),
    tokens=st.none() | st.integers(0, 5000),
)


@given(
    attempt=st.none() | limits,
    run=st.none() | limits,
    asks=st.lists(
        st.tuples(
            st.integers(0, 3),  # which attempt asks
            st.floats(0, 20),  # the review's flat cost
            st.none() | st.integers(0, 2000),  # its tokens (None: faulted)
            st.none() | st.floats(0, 0.5),  # its dollars (None: unpriced)
        ),
        max_size=30,
    ),
)
def test_granted_reviews_never_pass_a_count_or_cost_limit(
    attempt: BudgetLimits | None,
    run: BudgetLimits | None,
    asks: list[tuple[int, float, int | None, float | None]],
) -> None:
    account = ReviewAccount(ReviewBudget(attempt=attempt, run=run), [])
    per_attempt: dict[int, list[ChannelRecord]] = {}
    for who, cost, tokens, usd in asks:
        mine = per_attempt.setdefault(who, [])
        refused = account.ask(mine, channel="review", round_index=len(mine), cost=cost)
        before = review_spend(mine)
        if refused is not None:
            assert refused.reason in ("attempt_budget", "run_budget")
            continue
        # Granted: the attempt's dollars and tokens had room before the call (the call
        # itself may cross them: they are known only after it).
        if attempt is not None and attempt.usd is not None:
            assert before.usd < attempt.usd + 1e-9
        if attempt is not None and attempt.tokens is not None:
            assert before.tokens < attempt.tokens
        record = _review(cost, tokens, usd)
        mine.append(record)
        account.settle(record)
    everyone = review_spend(c for cs in per_attempt.values() for c in cs)
    for mine in per_attempt.values():
        spent = review_spend(mine)
        if attempt is not None and attempt.reviews is not None:
            assert spent.reviews <= attempt.reviews
        if attempt is not None and attempt.cost is not None:
            assert spent.cost <= attempt.cost + 1e-6
    if run is not None and run.reviews is not None:
        assert everyone.reviews <= run.reviews
    if run is not None and run.cost is not None:
        assert everyone.cost <= run.cost + 1e-6
