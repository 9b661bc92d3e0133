"""Selection through the claim gate: a child replaces its parent only on supported evidence.

The claim is "child beats parent on the objective by more than the margin", paired over the
search split's tasks × seeds (one unit per ``TASK@sN``), one-sided at the project's alpha,
decided alone (a family of one, one look). Anything short of ``supported`` keeps the parent,
with the gate's reason. The held-out claim is the same shape: best against baseline.
"""

from __future__ import annotations

from assay.claims.evaluate import evaluate_claim
from assay.optimize.evaluate import Evaluation
from assay.records.claim import ClaimResult, ClaimSpec
from assay.records.optimize import GateVerdict

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
) -> GateVerdict:
    """Decide whether ``treatment`` beats ``control`` (paired, fail closed)."""
    spec = ClaimSpec(
        id=claim_id,
        metric=treatment.metric,
        treatment=TREATMENT,
        control=CONTROL,
        direction="greater",
        margin=margin,
        alpha=alpha,
        min_n=min_n,
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
