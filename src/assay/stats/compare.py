"""Comparison of two arms' success counts (``assay.stats.compare.v1``), paired or not.

Unpaired arms get Fisher's and Boschloo's exact tests and Newcombe's hybrid score interval
of the difference. Arms run on the same tasks are paired: their evidence is in the
discordant tasks, so they get the exact McNemar test and Newcombe's paired interval —
independent-arm tests would misstate the error on shared tasks.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.stats.exact import (
    boschloo_is_exact,
    boschloo_pvalue,
    fisher_is_exact,
    fisher_pvalue,
    mcnemar_exact,
)
from assay.stats.paired import Alternative, PairedCounts, newcombe_paired
from assay.stats.proportions import check_counts, newcombe_difference, wilson
from assay.stats.result import Interval

COMPARE_SCHEMA: Final = "assay.stats.compare.v1"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class ArmSummary(_Record):
    """One arm's success rate with its Wilson interval (``None`` below two attempts)."""

    name: str
    successes: int
    n: int
    rate: float | None
    wilson_lower: float | None
    wilson_upper: float | None


class Difference(_Record):
    """B's rate minus A's, with its two-sided interval."""

    estimate: float
    lower: float
    upper: float
    method: str


class TestResult(_Record):
    """One exact test of B against A."""

    name: Literal["fisher", "boschloo", "mcnemar-exact"]
    alternative: Alternative
    """``greater``: B's rate is higher; ``less``: lower; ``two-sided``: different."""
    pvalue: float
    approximation: str | None = None
    """What was computed instead of the exact test at these counts (``None``: the exact
    test): ``fisher-upper-bound`` for Boschloo, ``pooled-z-test`` for Fisher (and for
    Boschloo above Fisher's limit). See ``assay.stats.exact``."""


class Comparison(_Record):
    """Two arms compared: rates, the difference B − A, and exact tests."""

    schema_id: Literal["assay.stats.compare.v1"] = Field(default=COMPARE_SCHEMA, alias="schema")
    confidence: float
    paired: bool
    a_only: int | None
    """Paired: tasks only A solved."""
    b_only: int | None
    """Paired: tasks only B solved."""
    arms: list[ArmSummary]
    difference: Difference | None
    """``None`` when an arm has fewer than two attempts (not estimable)."""
    tests: list[TestResult]
    note: str


Z_TEST: Final = "pooled-z-test"
FISHER_BOUND: Final = "fisher-upper-bound"


def _boschloo_approximation(b: tuple[int, int], a: tuple[int, int]) -> str | None:
    if boschloo_is_exact(b, a):
        return None
    return FISHER_BOUND if fisher_is_exact(b, a) else Z_TEST


def _arm(name: str, successes: int, n: int, confidence: float) -> ArmSummary:
    ci = wilson(successes, n, confidence=confidence)
    low, high = (ci.lower, ci.upper) if isinstance(ci, Interval) else (None, None)
    return ArmSummary(
        name=name, successes=successes, n=n, rate=successes / n, wilson_lower=low, wilson_upper=high
    )


def paired_table(a: tuple[int, int], b: tuple[int, int], a_only: int, b_only: int) -> PairedCounts:
    """Rebuild the paired 2×2 table from the margins and the discordant counts.

    Raises ``ValueError`` naming the inconsistency when the counts cannot come from one
    set of shared tasks.
    """
    (xa, na), (xb, nb) = a, b
    if na != nb:
        raise ValueError(f"paired arms run the same tasks, but A has {na} and B has {nb}")
    if a_only < 0 or b_only < 0 or a_only > xa or b_only > xb:
        raise ValueError(
            f"discordant counts must be within each arm's successes: A_ONLY {a_only} <= {xa},"
            f" B_ONLY {b_only} <= {xb}"
        )
    both = xa - a_only
    if xb - b_only != both:
        raise ValueError(
            f"tasks both arms solved disagree: A gives {xa} - {a_only} = {both},"
            f" B gives {xb} - {b_only} = {xb - b_only}"
        )
    return PairedCounts(both, b_only, a_only, na - both - a_only - b_only)


def compare(
    a: tuple[int, int],
    b: tuple[int, int],
    *,
    paired: tuple[int, int] | None = None,
    confidence: float = 0.95,
    alternative: Alternative = "two-sided",
) -> Comparison:
    """Compare arm B with arm A, both given as ``(successes, n)``.

    ``paired`` is ``(a_only, b_only)``: the tasks only A solved and only B solved, when both
    arms ran the same tasks once each. Invalid counts raise ``ValueError``.
    """
    check_counts(*a)
    check_counts(*b)
    if min(a[1], b[1]) < 1:
        raise ValueError("each arm needs at least one attempt")
    arms = [_arm("A", *a, confidence), _arm("B", *b, confidence)]
    if paired is not None:
        table = paired_table(a, b, *paired)
        diff = newcombe_paired(table, confidence=confidence)
        tests = [
            TestResult(
                name="mcnemar-exact",
                alternative=alternative,
                pvalue=mcnemar_exact(table.treatment_only, table.control_only, alternative),
            )
        ]
        note = "paired: McNemar's exact test on the discordant tasks"
    else:
        diff = newcombe_difference(b, a, confidence=confidence)
        tests = [
            TestResult(
                name="fisher",
                alternative=alternative,
                pvalue=fisher_pvalue(b, a, alternative),
                approximation=None if fisher_is_exact(b, a) else Z_TEST,
            ),
            TestResult(
                name="boschloo",
                alternative=alternative,
                pvalue=boschloo_pvalue(b, a, alternative),
                approximation=_boschloo_approximation(b, a),
            ),
        ]
        note = (
            "unpaired: Fisher and Boschloo assume independent arms; if both arms ran the same"
            " tasks, pass --paired A_ONLY,B_ONLY"
        )
    return Comparison(
        confidence=confidence,
        paired=paired is not None,
        a_only=paired[0] if paired is not None else None,
        b_only=paired[1] if paired is not None else None,
        arms=arms,
        difference=(
            Difference(
                estimate=diff.estimate, lower=diff.lower, upper=diff.upper, method=diff.method
            )
            if isinstance(diff, Interval) and diff.lower is not None and diff.upper is not None
            else None
        ),
        tests=tests,
        note=note,
    )
