"""Base inputs from a HumanEval ``check(candidate)``: its literal calls, when that is all it does.

A problem qualifies only when every use of ``candidate`` in ``check`` is a call whose
arguments are literals, and ``check`` holds nothing but asserts (and docstrings, ``pass``,
imports). Then the expected outputs can come from the reference on those inputs and the
function runner checks everything ``check`` checked. Any other ``check`` (loops, helpers,
random inputs, calls on computed values) keeps its pytest task, so no problem loses checks.
"""

from __future__ import annotations

import ast
from typing import Any

from assay.tasks.typemut import canonical

_ALLOWED = (ast.Assert, ast.Pass, ast.Import, ast.ImportFrom)


def _check_fn(test: str) -> ast.FunctionDef | None:
    try:
        tree = ast.parse(test)
    except SyntaxError:
        return None
    found = [s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == "check"]
    if len(found) != 1 or len(found[0].args.args) != 1:
        return None
    return found[0]


def literal_inputs(test: str) -> list[list[Any]] | None:
    """The argument lists of ``check``'s calls (deduplicated, in order), or None."""
    fn = _check_fn(test)
    if fn is None:
        return None
    name = fn.args.args[0].arg
    for stmt in fn.body:
        is_doc = isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        if not (isinstance(stmt, _ALLOWED) or is_doc):
            return None
    calls: list[ast.Call] = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name:
            calls.append(node)
    uses = sum(isinstance(n, ast.Name) and n.id == name for n in ast.walk(fn))
    if not calls or uses != len(calls):
        return None  # candidate passed around or used other than by a direct call
    out: list[list[Any]] = []
    seen: set[str] = set()
    for call in sorted(calls, key=lambda c: (c.lineno, c.col_offset)):
        if call.keywords or any(isinstance(a, ast.Starred) for a in call.args):
            return None
        try:
            args = [ast.literal_eval(a) for a in call.args]
            key = canonical(args)
        except (ValueError, TypeError, SyntaxError, RecursionError):
            return None
        if key not in seen:
            seen.add(key)
            out.append(args)
    return out
