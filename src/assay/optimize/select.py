"""Selection through the claim gate: a child replaces its parent only on supported evidence.

The claim is "child beats parent on the objective by more than the margin", paired over the
search split's tasks × seeds (one unit per ``TASK@sN``), one-sided at the project's alpha,
decided alone (a family of one, one look). Anything short of ``supported`` keeps the parent,
with the gate's reason. The held-out claim is the same shape: best against baseline.
With ``non_inferiority`` the claim is "child is not worse than parent by the margin or more"
(the gate's non-inferiority hypothesis, H0: difference ≤ −margin).
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.claims.evaluate import evaluate_claim
from assay.optimize.cost import compare_cost
from assay.optimize.evaluate import Evaluation
from assay.records.claim import ClaimResult, ClaimSpec
from assay.records.optimize import CostVerdict, GateVerdict, KeepRule, SelectionSpec

TREATMENT = "child"
CONTROL = "parent"


def decide(
    claim_id: str,
    treatment: Evaluation,
    control: Evaluation,
    *,
    margin: float,
    alpha: float,
    min_n: int,
    non_inferiority: bool = False,
) -> GateVerdict:
    """Decide whether ``treatment`` beats (or is non-inferior to) ``control``, fail closed."""
    spec = ClaimSpec(
        id=claim_id,
        metric=treatment.metric,
        treatment=TREATMENT,
        control=CONTROL,
        direction="greater",
        margin=margin,
        alpha=alpha,
        min_n=min_n,
        hypothesis="non_inferiority" if non_inferiority else "superiority",
    )
    rows = treatment.rows(TREATMENT) + control.rows(CONTROL)
    return verdict_of(evaluate_claim(spec, rows))


def verdict_of(result: ClaimResult) -> GateVerdict:
    """The ledger's summary of a gate decision."""
    return GateVerdict(
        claim=result.claim.id,
        status=result.status,
        reason=result.reason,
        detail=result.detail,
        effect=None if result.mean_difference is None else round(result.mean_difference, 6),
        lower_bound=None if result.lower_bound is None else round(result.lower_bound, 6),
        p_value=None if result.p_claim is None else round(result.p_claim, 6),
        units=result.n,
    )


@dataclass(frozen=True)
class Choice:
    """What selection decided about one evaluated child."""

    kept: bool
    reason: str
    gate: GateVerdict
    rule: KeepRule | None = None
    non_inferiority: GateVerdict | None = None
    cost: CostVerdict | None = None


def choose(
    ids: tuple[str, str], child: Evaluation, parent: Evaluation, selection: SelectionSpec
) -> Choice:
    """Keep the child if it is better by the margin, or non-inferior and strictly cheaper.

    The gate must support "better by the margin"; or else — when the project declares a
    non-inferiority margin — "not worse by that margin", with the child strictly cheaper
    (:mod:`assay.optimize.cost`). Everything else discards it. ``ids`` are the child's and
    the parent's candidate ids (they name the claims).

    Both claims are one-sided at ``alpha`` on the same units. A child that is in truth worse
    by the non-inferiority margin makes both false: it is kept only if one is supported
    anyway — the non-inferiority claim with chance at most alpha, the superiority claim with
    far less (its null holds by more than the two margins) — and then only if also cheaper.
    """
    sel = selection
    gate = decide(
        f"{ids[0]}-beats-{ids[1]}",
        child,
        parent,
        margin=sel.margin,
        alpha=sel.alpha,
        min_n=sel.min_n,
    )
    if gate.status == "supported":
        return Choice(True, f"superior: {gate.detail}", gate, "superior")
    why = f"{gate.reason}: {gate.detail}"
    if sel.non_inferiority_margin is None:
        return Choice(False, why, gate)
    ni = decide(
        f"{ids[0]}-non-inferior-to-{ids[1]}",
        child,
        parent,
        margin=sel.non_inferiority_margin,
        alpha=sel.alpha,
        min_n=sel.min_n,
        non_inferiority=True,
    )
    cost = compare_cost(child, parent, cost=sel.cost, alpha=sel.alpha, min_n=sel.min_n)
    if ni.status == "supported" and cost.status == "supported":
        reason = f"non-inferior-cheaper: {ni.detail}; {cost.detail}"
        return Choice(True, reason, gate, "non-inferior-cheaper", ni, cost)
    if ni.status != "supported":
        not_ni = f"not non-inferior ({ni.reason}: {ni.detail})"
    else:
        not_ni = f"non-inferior but not cheaper ({cost.reason}: {cost.detail})"
    return Choice(False, f"{why}; {not_ni}", gate, None, ni, cost)
