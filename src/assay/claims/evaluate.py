"""The claim gate: a claim is supported only when the evidence clears every check.

Supported iff the lower bound exceeds margin + transport + audit-distortion budgets, the
claim's p-value passes Holm across the whole family, every claim it requires is supported,
and nothing is flagged. Everything else fails closed with the first reason that applies, in
this order: a caller's flag (``manifest_changed``, ``missing_artifacts``, ``data_invalid``,
``run_unfinished``, ``runs_incompatible``), a required claim not supported
(``requirement_failed``), invalid data, a spec changed since an earlier look, looks
exhausted, too few units or too few discordant units for the sign test ever to pass
(``insufficient_evidence``), ``ci_includes_margin``, ``direction_ns``, ``multiplicity``.
A non-inferiority claim (``hypothesis = "non_inferiority"``, H0: difference ≤ −margin) is
decided the same way without the sign test's two checks: its bound must exceed −margin +
budgets and its p-value (:mod:`assay.claims.evidence`) pass Holm.
Replicate arms (``design = "replicates"``) are decided the same way on an unpaired exact
test (:mod:`assay.claims.replicates`). Design and measured error rates: reference/stats.md.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from assay.claims.data import Invalid, Row, Units, build_units, data_hash
from assay.claims.evidence import Evidence, weigh
from assay.claims.family import Member, apply_requirements, expand
from assay.claims.ledger import LookLedger, LookPlan
from assay.claims.replicates import (
    ReplicateEvidence,
    Replicates,
    build_replicates,
    weigh_replicates,
)
from assay.claims.where import select
from assay.records.claim import ClaimResult, ClaimSpec, FailClosedReason, PerDimension
from assay.stats.multiplicity import HolmResult, holm
from assay.stats.power import min_discordant_units

FlagReason = Literal[
    "manifest_changed", "missing_artifacts", "data_invalid", "run_unfinished", "runs_incompatible"
]


@dataclass(frozen=True)
class Flag:
    """A problem found outside the gate (in a run directory) that closes claims."""

    reason: FlagReason
    detail: str
    claim_id: str | None = None
    """The claim it closes (and that claim's sub-claims); ``None`` closes every claim."""

    def closes(self, spec: ClaimSpec) -> bool:
        """Whether this flag closes ``spec``."""
        return self.claim_id in (None, spec.id, spec.base_id)


@dataclass(frozen=True)
class _Assessment:
    spec: ClaimSpec
    parent: str | None
    hash: str
    units: Units | Replicates | Invalid
    evidence: Evidence | ReplicateEvidence | None
    plan: LookPlan | None


def evaluate_claim(
    spec: ClaimSpec,
    rows: Sequence[Row],
    *,
    ledger: LookLedger | None = None,
    flags: Sequence[Flag] = (),
) -> ClaimResult:
    """Evaluate one claim as a family of one; ``rows`` hold the claim's metric.

    A claim with ``per`` is a family of its own; this returns the declared claim's result
    (use :func:`evaluate_family` for its sub-claims).
    """
    return evaluate_family([spec], {spec.metric: rows}, ledger=ledger, flags=flags)[0]


def evaluate_family(
    specs: Sequence[ClaimSpec],
    rows_by_metric: Mapping[str, Sequence[Row]],
    *,
    ledger: LookLedger | None = None,
    flags: Sequence[Flag] = (),
    dimensions: Mapping[PerDimension, Sequence[str]] | None = None,
    interim: bool = False,
) -> list[ClaimResult]:
    """Evaluate every pre-registered claim and sub-claim, with Holm's adjustment across all.

    Every claim counts towards the family size, even one that fails closed for another
    reason: the family is fixed by the plan, not by which claims survived. ``dimensions``
    holds the planned suites, seeds and tasks that ``per`` expands into (default: those in
    the rows). Results list each declared claim followed by its sub-claims. With a ledger,
    each new look is appended to it after the decisions are made (``interim`` marks looks
    taken on an unfinished run at the user's request).
    """
    if not specs:
        return []
    levels = {s.alpha_per_look for s in specs}
    if len(levels) > 1:
        raise ValueError("claims of one family share alpha / planned_looks (one Holm family)")
    alpha = levels.pop()
    members, flags = _members(specs, rows_by_metric, dimensions, list(flags))
    ids = [m.spec.id for m in members]
    if len(set(ids)) != len(ids):
        raise ValueError(f"claim ids must be unique within a family (after per): {ids}")
    assessed = [
        _assess(m, rows_by_metric.get(m.spec.metric), ledger)
        if not any(f.closes(m.spec) for f in flags)
        else _closed(m, rows_by_metric.get(m.spec.metric))
        for m in members
    ]
    family = holm([_p_or_one(a.evidence) for a in assessed], alpha)
    results = [
        _decide(a, family, i, [f for f in flags if f.closes(a.spec)], interim)
        for i, a in enumerate(assessed)
    ]
    flagged = {a.spec.id for a in assessed if any(f.closes(a.spec) for f in flags)}
    results = apply_requirements(results, members, flagged)
    if ledger is not None:
        for a, result in zip(assessed, results, strict=True):
            if a.plan is not None and a.plan.new:
                ledger.append(result)
    return results


def _members(
    specs: Sequence[ClaimSpec],
    rows_by_metric: Mapping[str, Sequence[Row]],
    dimensions: Mapping[PerDimension, Sequence[str]] | None,
    flags: list[Flag],
) -> tuple[list[Member], list[Flag]]:
    members: list[Member] = []
    for spec in specs:
        rows = rows_by_metric.get(spec.metric, ())
        mine = select(spec.where, rows)
        expanded, problem = expand(spec, [] if isinstance(mine, Invalid) else mine, dimensions)
        members += expanded
        if problem is not None and not isinstance(mine, Invalid):
            flags.append(Flag("data_invalid", problem, spec.id))
    return members, flags


def _closed(m: Member, rows: Sequence[Row] | None) -> _Assessment:
    """A claim a flag closes: nothing is computed, so no look is spent."""
    return _Assessment(
        m.spec, m.parent, data_hash(m.spec, rows or []), Invalid("flagged"), None, None
    )


def _assess(m: Member, rows: Sequence[Row] | None, ledger: LookLedger | None) -> _Assessment:
    spec = m.spec
    if rows is None:
        return _Assessment(
            spec,
            m.parent,
            data_hash(spec, []),
            Invalid(f"no rows for metric {spec.metric!r}"),
            None,
            None,
        )
    mine = select(spec.where, rows)
    if isinstance(mine, Invalid):
        return _Assessment(spec, m.parent, data_hash(spec, []), mine, None, None)
    digest = data_hash(spec, mine)
    units = build_replicates(spec, mine) if spec.design == "replicates" else build_units(spec, mine)
    if isinstance(units, Invalid):
        # No statistic was computed, so nobody has looked at the effect: no look is spent.
        return _Assessment(spec, m.parent, digest, units, None, None)
    plan = ledger.plan(spec.id, spec.fingerprint(), digest) if ledger is not None else None
    evidence: Evidence | ReplicateEvidence = (
        weigh_replicates(spec, units) if isinstance(units, Replicates) else weigh(spec, units)
    )
    return _Assessment(spec, m.parent, digest, units, evidence, plan)


def _p_or_one(evidence: Evidence | ReplicateEvidence | None) -> float:
    if isinstance(evidence, ReplicateEvidence):
        return evidence.p_fisher
    p = evidence.p_claim if evidence is not None else None
    return 1.0 if p is None else p


def _decide(
    a: _Assessment, family: HolmResult, i: int, flags: list[Flag], interim: bool
) -> ClaimResult:
    if isinstance(a.evidence, ReplicateEvidence) or a.spec.design == "replicates":
        reason, detail = _first_replicate_failure(a, family, i, flags)
    else:
        reason, detail = _first_failure(a, family, i, flags)
    common = {
        "claim": a.spec,
        "status": "supported" if reason is None else "fail_closed",
        "reason": reason,
        "detail": detail,
        "data_hash": a.hash,
        "threshold": a.spec.threshold,
        "alpha_per_look": a.spec.alpha_per_look,
        "holm_adjusted_p": family.adjusted[i],
        "holm_threshold": family.thresholds[i],
        "holm_reject": family.reject[i],
        "family_size": len(family.reject),
        "look": a.plan.look if a.plan is not None else None,
        "design": a.spec.design,
        "parent": a.parent,
        "interim": interim,
    }
    e = a.evidence
    if isinstance(e, ReplicateEvidence):
        return ClaimResult.model_validate(
            common
            | {
                "unit": "run",
                "n": e.runs.treatment[1] + e.runs.control[1],
                "tasks": 1,
                "attempts": e.runs.treatment[1] + e.runs.control[1],
                "mean_difference": e.mean_difference,
                "lower_bound": e.lower_bound,
                "bound": "clopper_pearson" if e.lower_bound is not None else None,
                "discordant": None,
                "p_t": None,
                "p_sign": None,
                "p_claim": e.p_fisher,
                "treatment_runs": e.runs.treatment,
                "control_runs": e.runs.control,
            }
        )
    units = a.units if isinstance(a.units, Units) else None
    return ClaimResult.model_validate(
        common
        | {
            "unit": units.unit if units is not None else "task",
            "n": len(units.differences) if units is not None else 0,
            "tasks": units.tasks if units is not None else 0,
            "attempts": units.attempts if units is not None else 0,
            "mean_difference": e.mean_difference if e is not None else None,
            "lower_bound": e.lower_bound if e is not None else None,
            "bound": e.bound if e is not None else None,
            "discordant": e.discordant if e is not None else None,
            "p_t": e.p_t if e is not None else None,
            "p_sign": e.p_sign if e is not None else None,
            "p_claim": e.p_claim if e is not None else None,
        }
    )


def _early_failure(a: _Assessment, flags: list[Flag]) -> tuple[FailClosedReason, str] | None:
    """Flags, invalid data and the ledger: the reasons no statistic can overrule."""
    spec, plan = a.spec, a.plan
    if flags:
        return flags[0].reason, flags[0].detail
    if isinstance(a.units, Invalid) or a.evidence is None:
        detail = a.units.detail if isinstance(a.units, Invalid) else "no usable rows"
        return "data_invalid", detail
    if plan is not None and plan.spec_changed:
        return "manifest_changed", f"claim {spec.id!r} was looked at under a different spec"
    if plan is not None and plan.look > spec.planned_looks:
        return "looks_exhausted", f"look {plan.look} of {spec.planned_looks} planned"
    return None


def _first_failure(
    a: _Assessment, family: HolmResult, i: int, flags: list[Flag]
) -> tuple[FailClosedReason | None, str]:
    """Return the first reason the claim fails closed (``None`` if it is supported) and why."""
    if (early := _early_failure(a, flags)) is not None:
        return early
    spec, e = a.spec, a.evidence
    assert isinstance(e, Evidence) and isinstance(a.units, Units)
    unit = a.units.unit
    if e.n < spec.min_n or e.lower_bound is None or e.p_claim is None:
        return "insufficient_evidence", f"{e.n} {unit}s; the claim needs at least {spec.min_n}"
    alpha = spec.alpha_per_look
    needed = min_discordant_units(alpha)
    if e.directional and e.discordant < needed:
        return "insufficient_evidence", (
            f"only {e.discordant} {unit}s differ between arms; an exact sign test at"
            f" alpha {alpha:g} needs at least {needed}"
        )
    bound = f"lower bound {e.lower_bound:.4g} ({e.bound})"
    if e.lower_bound <= spec.threshold:
        return "ci_includes_margin", f"{bound} does not exceed {spec.threshold:g}"
    if e.directional and e.p_sign is not None and e.p_sign > alpha:
        return "direction_ns", f"sign test p {e.p_sign:.4g} exceeds alpha {alpha:g}"
    return _holm_failure(e.p_claim, family, i, alpha, f"{bound} exceeds {spec.threshold:g}")


def _holm_failure(
    p: float, family: HolmResult, i: int, alpha: float, why: str
) -> tuple[FailClosedReason | None, str]:
    if not family.reject[i]:
        return "multiplicity", (
            f"claim p {p:.4g} passes alone but its Holm-adjusted p"
            f" {family.adjusted[i]:.4g} exceeds alpha {alpha:g} in a family of"
            f" {len(family.reject)}"
        )
    return None, f"{why}; Holm-adjusted p {family.adjusted[i]:.4g} is within alpha {alpha:g}"


def _first_replicate_failure(
    a: _Assessment, family: HolmResult, i: int, flags: list[Flag]
) -> tuple[FailClosedReason | None, str]:
    """The replicates gate: enough runs, a test that can pass, the bound, Fisher, Holm."""
    if (early := _early_failure(a, flags)) is not None:
        return early
    spec, e = a.spec, a.evidence
    assert isinstance(e, ReplicateEvidence)
    (x1, n1), (x2, n2) = e.runs.treatment, e.runs.control
    runs = f"{spec.treatment} {x1}/{n1} against {spec.control} {x2}/{n2}"
    if min(n1, n2) < spec.min_runs:
        return "insufficient_evidence", (
            f"{runs} on task {e.runs.task!r}; the claim needs at least {spec.min_runs} runs per arm"
        )
    alpha = spec.alpha_per_look
    if e.p_floor > alpha:
        return "insufficient_evidence", (
            f"{runs}: with these totals no split of the successes could give a Fisher p"
            f" below {e.p_floor:.4g}, above alpha {alpha:g}"
        )
    shown = "none" if e.lower_bound is None else f"{e.lower_bound:.4g}"
    bound = f"{runs}, difference bound {shown} (clopper_pearson)"
    if spec.threshold > 0 and (e.lower_bound is None or e.lower_bound <= spec.threshold):
        return "ci_includes_margin", f"{bound} does not exceed {spec.threshold:g}"
    if e.p_fisher > alpha:
        return (
            "direction_ns",
            f"{runs}: one-sided Fisher p {e.p_fisher:.4g} exceeds alpha {alpha:g}",
        )
    why = f"{runs}: one-sided Fisher p {e.p_fisher:.4g}"
    if spec.threshold > 0:
        why += f", difference bound {shown} exceeds {spec.threshold:g}"
    return _holm_failure(e.p_fisher, family, i, alpha, why)
