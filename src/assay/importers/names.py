"""What test code needs from the program it tests, so a test module can stand on its own.

HumanEval and MBPP run the program and its tests in one namespace; an assay test module
imports the candidate instead. For each name the test code uses without binding it, the
prelude binds it: a helper defined by the task's *given* code is copied in pristine (a
candidate that redefines ``poly`` cannot make the check trivial), a standard-library module is
imported, and anything else comes from the candidate's module. A candidate name starting with
``test`` is imported under an alias, since pytest would collect it as a test.
"""

from __future__ import annotations

import ast
import builtins
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field

MODULE = "solution"
_ALIAS_PREFIX = "_solution_"


def bound_names(tree: ast.AST) -> set[str]:
    """Every name the code binds anywhere (assignments, defs, parameters, imports)."""
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            out.add(node.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(node.name)
        elif isinstance(node, ast.arg):
            out.add(node.arg)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            out |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, ast.ExceptHandler) and node.name:
            out.add(node.name)
    return out


def free_names(tree: ast.AST) -> set[str]:
    """Names the code reads but never binds, builtins excepted."""
    loads = {
        n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
    }
    return loads - bound_names(tree) - set(dir(builtins))


@dataclass
class Prelude:
    """Lines that bind a test module's free names, and the renames its code needs."""

    lines: list[str] = field(default_factory=list)
    renames: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        """The prelude as source (empty when nothing is needed)."""
        return "\n".join(self.lines) + "\n" if self.lines else ""


def _given_defs(given: ast.Module) -> dict[str, ast.stmt]:
    defs: dict[str, ast.stmt] = {}
    for stmt in given.body:
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            defs[stmt.name] = stmt
        elif isinstance(stmt, ast.Import | ast.ImportFrom):
            for alias in stmt.names:
                defs[(alias.asname or alias.name).split(".")[0]] = stmt
    return defs


def prelude(
    test: ast.Module,
    given: ast.Module,
    given_source: str,
    entry_point: str,
    *,
    extra: Iterable[str] = (),
) -> Prelude:
    """Bind the free names of ``test``: pristine helpers from the given code, stdlib, candidate.

    The entry point always comes from the candidate; so do the ``extra`` names.
    """
    out = Prelude()
    defs = _given_defs(given)
    copied: list[ast.stmt] = []
    from_candidate: set[str] = set(extra)
    todo = sorted(free_names(test))
    seen: set[str] = set()
    while todo:
        name = todo.pop(0)
        if name in seen:
            continue
        seen.add(name)
        stmt = defs.get(name)
        if name != entry_point and stmt is not None:
            if stmt not in copied:
                copied.append(stmt)
                todo += sorted(free_names(stmt) - seen)
        elif name in sys.stdlib_module_names:
            out.lines.append(f"import {name}")
        else:
            from_candidate.add(name)
    for name in sorted(from_candidate):
        if name.startswith("test"):
            out.renames[name] = _ALIAS_PREFIX + name
            out.lines.append(f"from {MODULE} import {name} as {_ALIAS_PREFIX + name}")
        else:
            out.lines.append(f"from {MODULE} import {name}")
    copied.sort(key=lambda s: s.lineno)
    for stmt in copied:
        text = str(ast.get_source_segment(given_source, stmt, padded=True))
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            out.lines.insert(0, text)
        else:
            out.lines += ["", "", text]
    return out


class _Rename(ast.NodeTransformer):
    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames

    def visit_Name(self, node: ast.Name) -> ast.Name:
        if node.id in self.renames:
            return ast.copy_location(ast.Name(self.renames[node.id], node.ctx), node)
        return node


def renamed(source: str, renames: dict[str, str]) -> str:
    """The source with names replaced (unchanged text when there is nothing to rename)."""
    if not renames:
        return source
    return ast.unparse(_Rename(renames).visit(ast.parse(source)))
