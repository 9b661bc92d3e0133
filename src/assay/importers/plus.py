"""Plus inputs for imported function-level tasks.

They are grown by type-aware mutation and kept only where the reference, with the
problem's contract asserts in front of its body, answers in
the sandbox (never in assay's process), deduplicated and bounded in number.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assay.tasks.typemut import canonical, propose
from assay.verify.function import wire
from assay.verify.function.executor import FunctionPool, Job

PLUS_COUNT = 30
"""Plus inputs per problem by default."""
CHECK_LIMIT_S = 2.0
"""A proposed input on which the reference takes longer is dropped."""
_PASSES = 4


def with_contract(source: str, entry: str, contract: str) -> str:
    """The reference with the contract's asserts as the first statements of ``entry``."""
    lines = [ln for ln in textwrap.dedent(contract).splitlines() if ln.strip()]
    if not lines:
        return source
    tree = ast.parse(source)
    fn = next(
        (s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == entry),
        None,
    )
    if fn is None or fn.body[0].lineno == fn.lineno:
        return source  # a one-line function: no room for the contract
    first = fn.body[0]
    indent = " " * first.col_offset
    src_lines = source.splitlines()
    decorators = getattr(first, "decorator_list", [])
    at = min([first.lineno, *(d.lineno for d in decorators)]) - 1
    block = [indent + ln for ln in lines]
    return "\n".join([*src_lines[:at], *block, *src_lines[at:]]) + "\n"


@dataclass(frozen=True)
class PlusRequest:
    """What is needed to grow one problem's plus inputs."""

    key: str
    checked_source: str
    """The reference with its contract (inputs it rejects are dropped)."""
    entry: str
    base: Sequence[Sequence[Any]]
    given: Sequence[Sequence[Any]] = ()
    """Plus inputs shipped with the record (the official release's ``plus_input``)."""
    count: int = PLUS_COUNT
    seed: int = 0


def _accepted(
    pool: FunctionPool, reqs: list[PlusRequest], todo: list[list[list[Any]]]
) -> list[list[list[Any]]]:
    """The inputs each reference answers within the limit (re-running after a timeout)."""
    kept: list[list[list[Any]]] = [[] for _ in reqs]
    for _ in range(_PASSES):
        live = [i for i, t in enumerate(todo) if t]
        if not live:
            break
        jobs = [
            Job(
                source=reqs[i].checked_source,
                entry=reqs[i].entry,
                inputs=[wire.encode(list(a)) for a in todo[i]],
                limits_s=[CHECK_LIMIT_S] * len(todo[i]),
                memory_mb=1024,
            )
            for i in live
        ]
        for i, run in zip(live, pool.run(jobs), strict=True):
            rest: list[list[Any]] = []
            for args, ans in zip(todo[i], run.answers, strict=True):
                if ans.kind == "value":
                    kept[i].append(args)
                elif ans.kind == "missing" and not run.load_error:
                    rest.append(args)  # never reached: a timeout before it ended the child
            todo[i] = rest
    return kept


def grow_plus(pool: FunctionPool, reqs: Sequence[PlusRequest]) -> dict[str, list[list[Any]]]:
    """Plus inputs per request key: the given ones first, then generated ones, ≤ count."""
    reqs = list(reqs)
    todo: list[list[list[Any]]] = []
    for r in reqs:
        known = {canonical(b) for b in r.base}
        given = []
        for g in r.given:
            key = canonical(g)
            if key not in known:
                known.add(key)
                given.append(list(g))
        fresh = propose([*r.base, *given], max(0, r.count - len(given)) * 2, r.seed, known)
        todo.append([*given, *fresh])
    kept = _accepted(pool, reqs, todo)
    return {r.key: k[: r.count] for r, k in zip(reqs, kept, strict=True)}
