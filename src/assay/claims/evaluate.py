"""The claim gate: a claim is supported only when the evidence clears every check.

Supported iff the lower bound exceeds margin + transport + audit-distortion budgets, the
claim's p-value passes Holm across the whole family, and nothing is flagged. Everything
else fails closed with the first reason that applies, in this order: a caller's flag
(``manifest_changed``, ``missing_artifacts``, ``data_invalid``), invalid data, a spec
changed since an earlier look, looks exhausted, too few units or too few discordant units
for the sign test ever to pass (``insufficient_evidence``), ``ci_includes_margin``,
``direction_ns``, ``multiplicity``. Design and measured error rates: reference/stats.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from assay.claims.data import Invalid, Row, Units, build_units, data_hash
from assay.claims.evidence import Evidence, weigh
from assay.claims.ledger import LookLedger, LookPlan
from assay.records.claim import ClaimResult, ClaimSpec, FailClosedReason
from assay.stats.multiplicity import HolmResult, holm
from assay.stats.power import min_discordant_units


@dataclass(frozen=True)
class Flag:
    """A problem found outside the gate (in a run directory) that closes claims."""

    reason: Literal["manifest_changed", "missing_artifacts", "data_invalid", "run_unfinished"]
    detail: str
    claim_id: str | None = None
    """The claim it closes; ``None`` closes every claim of the family."""


@dataclass(frozen=True)
class _Assessment:
    spec: ClaimSpec
    hash: str
    units: Units | Invalid
    evidence: Evidence | None
    plan: LookPlan | None


def evaluate_claim(
    spec: ClaimSpec,
    rows: Sequence[Row],
    *,
    ledger: LookLedger | None = None,
    flags: Sequence[Flag] = (),
) -> ClaimResult:
    """Evaluate one claim as a family of one; ``rows`` hold the claim's metric."""
    return evaluate_family([spec], {spec.metric: rows}, ledger=ledger, flags=flags)[0]


def evaluate_family(
    specs: Sequence[ClaimSpec],
    rows_by_metric: Mapping[str, Sequence[Row]],
    *,
    ledger: LookLedger | None = None,
    flags: Sequence[Flag] = (),
) -> list[ClaimResult]:
    """Evaluate every pre-registered claim, with Holm's adjustment across all of them.

    Every claim counts towards the family size, even one that fails closed for another
    reason: the family is fixed by the plan, not by which claims survived. With a ledger,
    each new look is appended to it after the decisions are made.
    """
    if not specs:
        return []
    ids = [s.id for s in specs]
    if len(set(ids)) != len(ids):
        raise ValueError("claim ids must be unique within a family")
    levels = {s.alpha_per_look for s in specs}
    if len(levels) > 1:
        raise ValueError("claims of one family share alpha / planned_looks (one Holm family)")
    alpha = levels.pop()
    assessed = [_assess(s, rows_by_metric.get(s.metric), ledger) for s in specs]
    family = holm([_p_or_one(a.evidence) for a in assessed], alpha)
    results = [
        _decide(a, family, i, [f for f in flags if f.claim_id in (None, a.spec.id)])
        for i, a in enumerate(assessed)
    ]
    if ledger is not None:
        for a, result in zip(assessed, results, strict=True):
            if a.plan is not None and a.plan.new:
                ledger.append(result)
    return results


def _assess(spec: ClaimSpec, rows: Sequence[Row] | None, ledger: LookLedger | None) -> _Assessment:
    if rows is None:
        return _Assessment(
            spec, data_hash(spec, []), Invalid(f"no rows for metric {spec.metric!r}"), None, None
        )
    digest = data_hash(spec, rows)
    units = build_units(spec, rows)
    if isinstance(units, Invalid):
        # No statistic was computed, so nobody has looked at the effect: no look is spent.
        return _Assessment(spec, digest, units, None, None)
    plan = ledger.plan(spec.id, spec.fingerprint(), digest) if ledger is not None else None
    return _Assessment(spec, digest, units, weigh(spec, units), plan)


def _p_or_one(evidence: Evidence | None) -> float:
    p = evidence.p_claim if evidence is not None else None
    return 1.0 if p is None else p


def _decide(a: _Assessment, family: HolmResult, i: int, flags: list[Flag]) -> ClaimResult:
    reason, detail = _first_failure(a, family, i, flags)
    e = a.evidence
    units = a.units if isinstance(a.units, Units) else None
    return ClaimResult(
        claim=a.spec,
        status="supported" if reason is None else "fail_closed",
        reason=reason,
        detail=detail,
        unit=units.unit if units is not None else "task",
        n=len(units.differences) if units is not None else 0,
        tasks=units.tasks if units is not None else 0,
        attempts=units.attempts if units is not None else 0,
        data_hash=a.hash,
        mean_difference=e.mean_difference if e is not None else None,
        lower_bound=e.lower_bound if e is not None else None,
        bound=e.bound if e is not None else None,
        threshold=a.spec.threshold,
        discordant=e.discordant if e is not None else None,
        p_t=e.p_t if e is not None else None,
        p_sign=e.p_sign if e is not None else None,
        p_claim=e.p_claim if e is not None else None,
        alpha_per_look=a.spec.alpha_per_look,
        holm_adjusted_p=family.adjusted[i],
        holm_threshold=family.thresholds[i],
        holm_reject=family.reject[i],
        family_size=len(family.reject),
        look=a.plan.look if a.plan is not None else None,
    )


def _first_failure(
    a: _Assessment, family: HolmResult, i: int, flags: list[Flag]
) -> tuple[FailClosedReason | None, str]:
    """Return the first reason the claim fails closed (``None`` if it is supported) and why."""
    spec, e, plan = a.spec, a.evidence, a.plan
    if flags:
        return flags[0].reason, flags[0].detail
    if isinstance(a.units, Invalid) or e is None:
        detail = a.units.detail if isinstance(a.units, Invalid) else "no usable rows"
        return "data_invalid", detail
    if plan is not None and plan.spec_changed:
        return "manifest_changed", f"claim {spec.id!r} was looked at under a different spec"
    if plan is not None and plan.look > spec.planned_looks:
        return "looks_exhausted", f"look {plan.look} of {spec.planned_looks} planned"
    unit = a.units.unit
    if e.n < spec.min_n or e.lower_bound is None or e.p_claim is None:
        return "insufficient_evidence", f"{e.n} {unit}s; the claim needs at least {spec.min_n}"
    alpha = spec.alpha_per_look
    needed = min_discordant_units(alpha)
    if e.discordant < needed:
        return "insufficient_evidence", (
            f"only {e.discordant} {unit}s differ between arms; an exact sign test at"
            f" alpha {alpha:g} needs at least {needed}"
        )
    bound = f"lower bound {e.lower_bound:.4g} ({e.bound})"
    if e.lower_bound <= spec.threshold:
        return "ci_includes_margin", f"{bound} does not exceed {spec.threshold:g}"
    if e.p_sign is not None and e.p_sign > alpha:
        return "direction_ns", f"sign test p {e.p_sign:.4g} exceeds alpha {alpha:g}"
    if not family.reject[i]:
        return "multiplicity", (
            f"claim p {e.p_claim:.4g} passes alone but its Holm-adjusted p"
            f" {family.adjusted[i]:.4g} exceeds alpha {alpha:g} in a family of"
            f" {len(family.reject)}"
        )
    return None, (
        f"{bound} exceeds {spec.threshold:g}; Holm-adjusted p {family.adjusted[i]:.4g}"
        f" is within alpha {alpha:g}"
    )
