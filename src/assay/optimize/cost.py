"""Is the child strictly cheaper than its parent? Paired over task × seed units, exact.

Each unit (``TASK@sN``) is one attempt in each evaluation; its difference is the parent's
cost minus the child's (positive: the child is cheaper). The claim "the child is cheaper"
is supported only when the one-sided lower confidence bound of the *median* difference is
above zero. The bound is distribution-free and exact: the k-th smallest difference, with k
the largest count such that P(Binomial(n, 1/2) ≤ k − 1) ≤ alpha (the sign test inverted).
So a cost that is lower on every unit by the same amount (a deterministic agent) is
supported, and one cheaper on some units and dearer on others needs enough units to say
so. With 8 units at alpha 0.025, k = 1: every unit must be cheaper.

Fail closed: an unknown cost on any unit (unpriced dollars), units missing from either side,
or fewer than ``min_n`` units are never "cheaper".
"""

from __future__ import annotations

import math
import statistics

from assay.optimize.evaluate import Evaluation
from assay.records.attempt import AttemptRecord
from assay.records.optimize import CostKind, CostVerdict
from assay.stats.exact import sign_test


def attempt_cost(record: AttemptRecord, cost: CostKind) -> float | None:
    """One attempt's cost: tokens (prompt + completion), dollars (None: unknown), seconds."""
    if cost == "tokens":
        return float(record.tokens.prompt + record.tokens.completion)
    if cost == "usd":
        return record.cost_usd
    return record.duration_s


def _by_unit(evaluation: Evaluation) -> dict[str, AttemptRecord]:
    return {f"{r.task_id}@s{r.seed}": r for r in evaluation.records}


def order_statistic_rank(n: int, alpha: float) -> int:
    """The largest k with P(Binomial(n, 1/2) ≤ k − 1) ≤ alpha; 0 when there is none."""
    k, tail = 0, 0.0
    while k < n:
        tail += math.comb(n, k) / 2.0**n
        if tail > alpha:
            break
        k += 1
    return k


def compare_cost(
    child: Evaluation, parent: Evaluation, *, cost: CostKind, alpha: float, min_n: int
) -> CostVerdict:
    """Decide "child is strictly cheaper than parent" on ``cost`` (see the module)."""
    mine, theirs = _by_unit(child), _by_unit(parent)

    def closed(reason: str, detail: str, **known: object) -> CostVerdict:
        return CostVerdict.model_validate(
            {
                "cost": cost,
                "status": "fail_closed",
                "reason": reason,
                "detail": detail,
                "units": len(mine),
                "child_total": None,
                "parent_total": None,
                "mean_saving": None,
                "median_lower_bound": None,
                "cheaper": 0,
                "dearer": 0,
                "p_value": None,
                **known,
            }
        )

    if set(mine) != set(theirs) or len(mine) != len(child.records):
        odd = sorted(set(mine) ^ set(theirs))
        return closed("data_invalid", f"the evaluations do not pair unit for unit: {odd[:5]}")
    units = sorted(mine)
    pairs = [(attempt_cost(theirs[u], cost), attempt_cost(mine[u], cost)) for u in units]
    unknown = [u for u, (p, c) in zip(units, pairs, strict=True) if p is None or c is None]
    if unknown:
        return closed("cost_unknown", f"{cost} unknown on {len(unknown)} units: {unknown[:5]}")
    known = [(p, c) for p, c in pairs if p is not None and c is not None]
    diffs = [p - c for p, c in known]
    test = sign_test(diffs, "greater")
    n = len(diffs)
    shown = {
        "units": n,
        "child_total": round(sum(c for _, c in known), 6),
        "parent_total": round(sum(p for p, _ in known), 6),
        "mean_saving": round(statistics.fmean(diffs), 6) if diffs else None,
        "cheaper": test.positive,
        "dearer": test.negative,
        "p_value": round(test.pvalue, 6),
    }
    if n < min_n:
        return closed("insufficient_evidence", f"{n} units; needs at least {min_n}", **shown)
    k = order_statistic_rank(n, alpha)
    if k == 0:
        return closed(
            "insufficient_evidence",
            f"with {n} units no distribution-free bound at alpha {alpha:g} exists",
            **shown,
        )
    bound = sorted(diffs)[k - 1]
    shown["median_lower_bound"] = round(bound, 6)
    summary = (
        f"{cost}: cheaper on {test.positive} of {n} units, dearer on {test.negative}; median"
        f" saving at least {bound:.6g} (order statistic {k} of {n}, alpha {alpha:g})"
    )
    if bound <= 0:
        return closed("not_cheaper", summary, **shown)
    return CostVerdict.model_validate(
        {"cost": cost, "status": "supported", "reason": None, "detail": summary, **shown}
    )
