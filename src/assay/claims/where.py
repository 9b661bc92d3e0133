"""A claim's ``where``: the attempt rows it is decided on.

A filter that asks for a label the rows do not carry (a ``suite`` column missing from a
CSV, tags of a run recorded before tasks carried them) is invalid data, never an empty
match: silently dropping every row would read as "no evidence" instead of "cannot tell".
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.claims.data import Invalid, Row
from assay.records.claim import ClaimWhere


def _missing(where: ClaimWhere, row: Row) -> str | None:
    wanted = {
        "suite": (where.suite, row.suite),
        "task": (where.task, row.task),
        "agent": (where.agent, row.agent),
        "model": (where.model, row.model),
        "seed": (where.seed, row.seed),
        "tags": (where.tags, row.tags),
    }
    for name, (values, have) in wanted.items():
        if values and have is None:
            return name
    return None


def matches(where: ClaimWhere, row: Row) -> bool:
    """Whether ``row`` passes every field of ``where`` (labels must be present)."""
    return (
        (not where.suite or row.suite in where.suite)
        and (not where.task or row.task in where.task)
        and (not where.agent or row.agent in where.agent)
        and (not where.model or row.model in where.model)
        and (not where.seed or row.seed in where.seed)
        and (not where.tags or set(where.tags) <= set(row.tags or ()))
    )


def select(where: ClaimWhere | None, rows: Sequence[Row]) -> list[Row] | Invalid:
    """The rows ``where`` keeps, or why they cannot be filtered."""
    if where is None:
        return list(rows)
    for row in rows:
        if (label := _missing(where, row)) is not None:
            return Invalid(
                f"the claim's where filters on {label}, but the rows do not say which {label}"
                f" task {row.task!r} belongs to"
            )
    return [r for r in rows if matches(where, r)]
