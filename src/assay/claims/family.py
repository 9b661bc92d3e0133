"""Claim families: ``per`` expands a claim into sub-claims; ``requires_all`` joins claims.

``per = ["suite", "seed"]`` decides one sub-claim per combination of the values the plan
holds (every suite × every seed), each with its own look and its own place in the Holm
family; the declared claim is still decided on all of its rows. A sub-claim's id names its
values: ``gain[suite=repair,seed=2]``.

``requires_all`` lists claims (``gain[suite=repair]``, or ``gain[*]`` for every sub-claim of
``gain``) that must all be supported for the claim to be: the overall claim of a tracker
that needs a gain on every benchmark and every seed. One that is not makes the claim fail
closed with ``requirement_failed``, naming it. Requiring every part to pass on its own is
an intersection-union test, which holds its level without any adjustment; each part still
faces Holm in the family, which only makes the overall claim harder to support.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assay.claims.data import Row
from assay.records.claim import ALL_SUBCLAIMS, ClaimResult, ClaimSpec, ClaimWhere, PerDimension

_UNSAFE = re.compile(r"[\[\]\s,=]")


@dataclass(frozen=True)
class Member:
    """One claim of the family: declared (``parent`` None) or expanded from one."""

    spec: ClaimSpec
    parent: str | None


def _label(value: str) -> str:
    # Keeps ids parseable: a suite folder's name may hold spaces or brackets.
    return _UNSAFE.sub("_", value) or "_"


def _values_in_rows(dimension: PerDimension, rows: Sequence[Row]) -> list[str] | None:
    got: set[str] = set()
    for r in rows:
        value = {"suite": r.suite, "seed": r.seed, "task": r.task}[dimension]
        if value is None:
            return None
        got.add(str(value))
    return sorted(got, key=lambda v: (len(v), v) if dimension == "seed" else (0, v))


def _allowed(where: ClaimWhere | None, dimension: PerDimension) -> set[str] | None:
    if where is None:
        return None
    values = {"suite": where.suite, "seed": where.seed, "task": where.task}[dimension]
    return {str(v) for v in values} or None


def expand(
    spec: ClaimSpec,
    rows: Sequence[Row],
    dimensions: Mapping[PerDimension, Sequence[str]] | None = None,
) -> tuple[list[Member], str | None]:
    """The claim and its sub-claims; the problem as text when ``per`` cannot be expanded.

    Values come from ``dimensions`` (a run's plan: a suite without any record still gets
    its sub-claim, which then fails closed) or else from the rows themselves.
    """
    members = [Member(spec, None)]
    if not spec.per:
        return members, None
    axes: list[list[tuple[PerDimension, str]]] = []
    for dim in spec.per:
        planned = dimensions.get(dim) if dimensions is not None else None
        values = list(planned) if planned is not None else _values_in_rows(dim, rows)
        if values is None:
            return members, f"per {dim!r}: the rows do not say which {dim} each attempt has"
        allowed = _allowed(spec.where, dim)
        values = [v for v in values if allowed is None or v in allowed]
        if not values:
            return members, f"per {dim!r}: no {dim} to expand the claim into"
        axes.append([(dim, v) for v in values])
    for combo in itertools.product(*axes):
        where = spec.where or ClaimWhere()
        for dim, value in combo:
            where = where.narrowed(dim, value)
        suffix = ",".join(f"{dim}={_label(value)}" for dim, value in combo)
        sub = spec.model_copy(
            update={"id": f"{spec.id}[{suffix}]", "where": where, "per": (), "requires_all": ()}
        )
        members.append(Member(ClaimSpec.model_validate(sub.model_dump()), spec.id))
    return members, None


def resolve_requirements(spec: ClaimSpec, members: Sequence[Member]) -> tuple[list[str], list[str]]:
    """The ids ``spec.requires_all`` names (``X[*]`` expanded), and those that name nothing."""
    ids = [m.spec.id for m in members]
    found: list[str] = []
    unknown: list[str] = []
    for entry in spec.requires_all:
        if entry.endswith(ALL_SUBCLAIMS):
            base = entry[: -len(ALL_SUBCLAIMS)]
            subs = [m.spec.id for m in members if m.parent == base]
            (found.extend(subs) if subs else unknown.append(entry))
        elif entry in ids:
            found.append(entry)
        else:
            unknown.append(entry)
    return list(dict.fromkeys(found)), unknown


def apply_requirements(
    results: list[ClaimResult], members: Sequence[Member], flagged: set[str]
) -> list[ClaimResult]:
    """Close every claim whose required claims are not all supported (in dependency order).

    A claim closed by a caller's flag keeps that reason. A cycle of requirements closes
    every claim on it.
    """
    by_id = {r.claim.id: r for r in results}
    final: dict[str, ClaimResult] = {}
    visiting: set[str] = set()

    def settle(claim_id: str) -> ClaimResult | None:
        if claim_id in final:
            return final[claim_id]
        if claim_id in visiting or claim_id not in by_id:
            return None  # a cycle, or a claim that does not exist: never supported
        visiting.add(claim_id)
        result = by_id[claim_id]
        needed, unknown = resolve_requirements(result.claim, members)
        failing = list(unknown)
        for other in needed:
            settled = settle(other)
            if settled is None or settled.status != "supported":
                failing.append(other)
        visiting.discard(claim_id)
        final[claim_id] = _require(result, failing, by_id, flagged)
        return final[claim_id]

    for r in results:
        settle(r.claim.id)
    return [final[r.claim.id] for r in results]


def _require(
    result: ClaimResult, failing: list[str], by_id: Mapping[str, ClaimResult], flagged: set[str]
) -> ClaimResult:
    if not failing:
        return result
    why = []
    for claim_id in failing[:5]:
        other = by_id.get(claim_id)
        if other is None:
            why.append(f"{claim_id} (no such claim, or a cycle of requirements)")
        else:
            why.append(f"{claim_id} ({other.reason or 'a requirement failed'})")
    more = f" and {len(failing) - 5} more" if len(failing) > 5 else ""
    own = "supported" if result.reason is None else f"fail_closed ({result.reason})"
    update: dict[str, object] = {"failed_requirements": tuple(failing)}
    if result.claim.id not in flagged:
        update |= {
            "status": "fail_closed",
            "reason": "requirement_failed",
            "detail": f"requires {', '.join(why)}{more}, not supported; on its own rows the"
            f" claim is {own}: {result.detail}",
        }
    return result.model_copy(update=update)
