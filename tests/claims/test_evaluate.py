"""The fail-closed claim gate: every reason it can give, and support when it is earned."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from assay.claims import ClaimResult, Flag, Row, evaluate_claim, evaluate_family
from assay.records.canonical import dumps
from tests.support.claims import borderline_gain, paired_rows, spec, strong_gain


def test_a_large_gain_is_supported() -> None:
    result = evaluate_claim(spec(), strong_gain())
    assert result.status == "supported"
    assert result.reason is None
    assert result.n == result.tasks == 30
    assert result.mean_difference == pytest.approx(20 / 30)
    assert result.lower_bound is not None
    assert result.lower_bound > result.threshold
    assert result.bound in ("t", "newcombe")
    assert result.p_claim == max(result.p_t or 1, result.p_sign or 1)
    assert result.holm_reject


def test_record_is_schema_versioned_json() -> None:
    result = evaluate_claim(spec(), strong_gain())
    text = dumps(result)
    assert '"schema": "assay.claim.v1"' in text
    assert ClaimResult.model_validate_json(text) == result


def test_no_units_is_insufficient_and_nothing_is_estimated() -> None:
    result = evaluate_claim(spec(), paired_rows([1.0], [0.0]))
    assert result.reason == "insufficient_evidence"
    assert result.n == 1
    # n < 2: no bound, no p-value, and never a zero standard error.
    assert result.lower_bound is None
    assert result.p_t is None
    assert result.p_claim is None


def test_below_min_n_is_insufficient() -> None:
    result = evaluate_claim(spec(min_n=40), strong_gain())
    assert result.reason == "insufficient_evidence"
    assert "at least 40" in result.detail


def test_too_few_discordant_tasks_can_never_pass() -> None:
    # Five tasks all won by B: the best sign-test p is 2^-5 > 0.025.
    result = evaluate_claim(spec(), paired_rows([1.0] * 5, [0.0] * 5))
    assert result.reason == "insufficient_evidence"
    assert result.discordant == 5
    assert "needs at least 6" in result.detail


def test_bound_below_margin_is_ci_includes_margin() -> None:
    # 30 tasks: B alone solves 8, A alone solves 3, the rest tie.
    rows = paired_rows(
        [1.0] * 8 + [0.0] * 3 + [1.0] * 9 + [0.0] * 10, [0.0] * 8 + [1.0] * 12 + [0.0] * 10
    )
    result = evaluate_claim(spec(), rows)
    assert result.reason == "ci_includes_margin"
    assert result.lower_bound is not None
    assert result.lower_bound <= result.threshold


def test_budgets_raise_the_bar() -> None:
    assert evaluate_claim(spec(), borderline_gain()).status == "supported"
    result = evaluate_claim(
        spec(transport_budget=0.05, audit_distortion_budget=0.02), borderline_gain()
    )
    assert result.threshold == pytest.approx(0.12)
    assert result.reason == "ci_includes_margin"


def test_a_mean_carried_by_few_tasks_is_direction_ns() -> None:
    # Ten tasks gain a lot, eight lose a little: the mean clears the margin but the
    # direction is a coin flip across tasks.
    result = evaluate_claim(spec(), paired_rows([1.0] * 10 + [0.5] * 8, [0.2] * 10 + [0.51] * 8))
    assert result.reason == "direction_ns"
    assert result.lower_bound is not None
    assert result.lower_bound > result.threshold
    assert result.p_sign is not None
    assert result.p_sign > 0.025


def test_holm_across_the_family_is_multiplicity() -> None:
    alone = evaluate_claim(spec(), borderline_gain())
    assert alone.status == "supported"
    assert alone.p_claim is not None
    assert 0.025 / 2 < alone.p_claim <= 0.025
    second = spec(id="b-beats-a-again", metric="success-rerun")
    results = evaluate_family(
        [spec(), second], {"success": borderline_gain(), "success-rerun": borderline_gain()}
    )
    assert [r.reason for r in results] == ["multiplicity", "multiplicity"]
    assert all(r.family_size == 2 for r in results)


def test_every_declared_claim_counts_in_the_family() -> None:
    # A second claim that fails for its own reason still takes its share of alpha.
    results = evaluate_family(
        [spec(), spec(id="other", metric="missing")], {"success": borderline_gain()}
    )
    assert results[0].reason == "multiplicity"
    assert results[1].reason == "data_invalid"


@pytest.mark.parametrize(
    ("rows", "fragment"),
    [
        (paired_rows([1.0, 1.0], [0.0, 0.0])[:-1], "no attempts in arm 'A'"),
        ([*paired_rows([1.0, 1.0], [0.0, 0.0]), Row("t00", "B", "0", 1.0)], "twice"),
        (paired_rows([1.5, 1.0], [0.0, 0.0]), "outside the metric's bounds"),
        (paired_rows([math.nan, 1.0], [0.0, 0.0]), "outside the metric's bounds"),
        (
            [Row("t0", "B", "0", 1.0, "x"), Row("t0", "A", "0", 0.0, "y")],
            "more than one cluster",
        ),
        (
            [
                Row("t0", "B", "0", 1.0, "x"),
                Row("t0", "A", "0", 0.0, "x"),
                Row("t1", "B", "0", 1.0),
                Row("t1", "A", "0", 0.0),
            ],
            "some tasks have a cluster",
        ),
        (paired_rows([1.0], [0.0], arms=("C", "D")), "no rows for arms"),
    ],
)
def test_invalid_data_fails_closed(rows: list[Row], fragment: str) -> None:
    result = evaluate_claim(spec(), rows)
    assert result.status == "fail_closed"
    assert result.reason == "data_invalid"
    assert fragment in result.detail
    assert result.mean_difference is None


def test_missing_metric_is_data_invalid() -> None:
    result = evaluate_family([spec()], {"other": strong_gain()})[0]
    assert result.reason == "data_invalid"
    assert "no rows for metric 'success'" in result.detail


@pytest.mark.parametrize("reason", ["manifest_changed", "missing_artifacts", "data_invalid"])
def test_flags_from_the_caller_close_the_claim(reason: str) -> None:
    flag = Flag(reason, "something upstream is wrong")  # type: ignore[arg-type]
    result = evaluate_claim(spec(), strong_gain(), flags=[flag])
    assert result.reason == reason
    assert result.detail == "something upstream is wrong"


def test_a_flag_for_another_claim_does_not_close_this_one() -> None:
    flag = Flag("missing_artifacts", "no diffs", claim_id="someone-else")
    assert evaluate_claim(spec(), strong_gain(), flags=[flag]).status == "supported"


def test_errors_and_timeouts_count_as_failures() -> None:
    rows = strong_gain()
    # Treatment errors on five tasks it had solved: those become failures, not gaps.
    crashed = [
        Row(r.task, r.arm, r.attempt, None) if r.arm == "B" and r.task < "t05" else r for r in rows
    ]
    result = evaluate_claim(spec(), crashed)
    assert result.n == 30
    assert result.mean_difference == pytest.approx(15 / 30)


def test_direction_less_flips_the_sign() -> None:
    # Cost in dollars, lower is better: B costs 2, A costs 5 on every task but a few.
    treatment = [2.0] * 25 + [6.0] * 5
    control = [5.0] * 25 + [5.5] * 5
    claim = spec(direction="less", bounds=(0.0, 10.0), margin=1.0)
    result = evaluate_claim(claim, paired_rows(treatment, control))
    assert result.status == "supported"
    assert result.mean_difference == pytest.approx((25 * 3.0 - 5 * 0.5) / 30)
    worse = evaluate_claim(claim, paired_rows(control, treatment))
    assert worse.status == "fail_closed"
    assert worse.mean_difference is not None
    assert worse.mean_difference < 0


def test_errors_count_as_the_worst_value_for_less() -> None:
    claim = spec(direction="less", bounds=(0.0, 10.0), margin=0.0)
    result = evaluate_claim(claim, paired_rows([None, 1.0], [5.0, 5.0]))
    # The error costs 10 (the worst), so task 0 differs by 5 − 10 = −5, task 1 by +4.
    assert result.mean_difference == pytest.approx((-5.0 + 4.0) / 2)


def test_attempts_are_averaged_within_a_task() -> None:
    rows = [
        Row(f"t{i}", arm, str(a), v)
        for i in range(12)
        for arm, v in (("B", 1.0), ("A", 0.0))
        for a in range(5)
    ]
    rows[0] = Row("t0", "B", "0", 0.0)
    result = evaluate_claim(spec(), rows)
    assert result.n == 12
    assert result.attempts == 120
    assert result.mean_difference == pytest.approx((11 + 0.8) / 12)
    assert result.bound in ("t", "hoeffding")


def test_equal_differences_use_the_hoeffding_bound() -> None:
    rows = [
        Row(f"t{i}", arm, str(a), v)
        for i in range(30)
        for arm, v in (("B", 1.0), ("A", 0.0))
        for a in range(3)
    ]
    result = evaluate_claim(spec(), rows)
    assert result.bound == "hoeffding"
    assert result.lower_bound == pytest.approx(1 - 2 * math.sqrt(math.log(40) / 60))
    assert result.status == "supported"


def test_clusters_are_the_units() -> None:
    clusters = [f"repo{i // 3}" for i in range(30)]
    rows = paired_rows(
        [1.0] * 25 + [0.0] * 5, [0.0] * 20 + [1.0] * 5 + [0.0] * 5, clusters=clusters
    )
    result = evaluate_claim(spec(), rows)
    assert result.unit == "cluster"
    assert result.n == 10
    assert result.tasks == 30


def test_planned_looks_split_alpha() -> None:
    result = evaluate_claim(spec(planned_looks=2), borderline_gain())
    assert result.alpha_per_look == pytest.approx(0.0125)
    assert result.status == "fail_closed"


def test_family_rules() -> None:
    with pytest.raises(ValueError, match="unique"):
        evaluate_family([spec(), spec()], {"success": strong_gain()})
    with pytest.raises(ValueError, match="share alpha"):
        evaluate_family([spec(), spec(id="x", alpha=0.05)], {"success": strong_gain()})
    assert evaluate_family([], {}) == []


@pytest.mark.parametrize(
    "overrides",
    [
        {"treatment": "A"},
        {"margin": -0.1},
        {"alpha": 0.5},
        {"bounds": (1.0, 0.0)},
        {"planned_looks": 0},
        {"min_n": 1},
        {"id": "has space"},
        {"margin": math.inf},
        {"unknown": 1},
    ],
)
def test_spec_validation(overrides: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        spec(**overrides)


def test_spec_fingerprint_tracks_every_field() -> None:
    assert spec().fingerprint() == spec().fingerprint()
    assert spec().fingerprint() != spec(margin=0.04).fingerprint()
