"""Deterministic single-point AST mutants of a solution (for judging test strength).

Each mutant changes exactly one node: a comparison operator swapped (``<`` ↔ ``<=``, ``==``
↔ ``!=``, ...), an arithmetic operator swapped (``+`` ↔ ``-``, ``*`` ↔ ``//``, ...), ``and``
↔ ``or``, a ``not`` removed, a numeric constant moved by one. Mutants come in source order,
then operator order, so the same source always gives the same list.
"""

from __future__ import annotations

import ast
import copy
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

_COMPARE: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
_ARITH: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.Mult,
    ast.Mod: ast.FloorDiv,
    ast.Pow: ast.Mult,
}


@dataclass(frozen=True)
class Mutant:
    """One mutated program."""

    index: int
    line: int
    kind: str
    """``compare``, ``arith``, ``boolop``, ``not``, ``const+1`` or ``const-1``."""
    source: str


def _edits(node: ast.AST) -> Iterator[tuple[str, int]]:
    """(kind, variant) pairs that apply to this node."""
    if isinstance(node, ast.Compare):
        for k, op in enumerate(node.ops):
            if type(op) in _COMPARE:
                yield "compare", k
    elif isinstance(node, ast.BinOp | ast.AugAssign) and type(node.op) in _ARITH:
        yield "arith", 0
    elif isinstance(node, ast.BoolOp):
        yield "boolop", 0
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        yield "not", 0
    elif (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int | float)
        and not isinstance(node.value, bool)
    ):
        yield "const+1", 1
        yield "const-1", -1


def _apply(node: ast.AST, kind: str, variant: int) -> ast.AST:
    """Return the replacement of ``node`` (a changed copy)."""
    new = copy.copy(node)
    if isinstance(new, ast.Compare):
        ops = list(new.ops)
        ops[variant] = _COMPARE[type(ops[variant])]()
        new.ops = ops
    elif isinstance(new, ast.BinOp | ast.AugAssign):
        new.op = _ARITH[type(new.op)]()
    elif isinstance(new, ast.BoolOp):
        new.op = ast.Or() if isinstance(new.op, ast.And) else ast.And()
    elif isinstance(new, ast.UnaryOp):
        return new.operand
    elif isinstance(new, ast.Constant) and isinstance(new.value, int | float):
        new.value = new.value + variant
    return new


class _Replace(ast.NodeTransformer):
    def __init__(self, target: int, kind: str, variant: int) -> None:
        self.target, self.kind, self.variant, self.seen = target, kind, variant, -1

    def generic_visit(self, node: ast.AST) -> ast.AST:
        self.seen += 1
        mine = self.seen
        node = super().generic_visit(node)
        return _apply(node, self.kind, self.variant) if mine == self.target else node


def _in_docstring(tree: ast.AST) -> set[int]:
    """Ids of docstring constants (never mutated)."""
    out: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        value = first.value if isinstance(first, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            out.add(id(value))
    return out


def normalised(source: str) -> str:
    """The source as the mutator writes it (``ast.unparse``), ending in a newline.

    Formatting and comments never tell a reference apart from its mutants, so a diff
    between this and a mutant shows the one changed node only.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return ast.unparse(ast.parse(source)) + "\n"


def mutants(source: str, limit: int | None = None) -> list[Mutant]:
    """Every single-point mutant of ``source`` (at most ``limit``), in a fixed order."""
    with warnings.catch_warnings():
        # Data-set code often has escapes newer Pythons warn about; they are not ours to fix.
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        tree = ast.parse(source)
    skip = _in_docstring(tree)
    order: list[tuple[int, ast.AST]] = []

    class _Number(ast.NodeVisitor):
        def generic_visit(self, node: ast.AST) -> None:
            order.append((len(order), node))
            super().generic_visit(node)

    _Number().visit(tree)
    out: list[Mutant] = []
    for position, node in order:
        if id(node) in skip:
            continue
        for kind, variant in _edits(node):
            changed = _Replace(position, kind, variant).visit(copy.deepcopy(tree))
            text = ast.unparse(ast.fix_missing_locations(changed))
            line = getattr(node, "lineno", 0)
            out.append(Mutant(len(out), line, kind, text))
            if limit is not None and len(out) >= limit:
                return out
    return out
