"""Leakage: hidden assertions the public tests already contain verbatim.

"Verbatim" is defined on normalised source, never on raw text:

- pytest tasks: every ``assert`` statement of the hidden test files, reduced to its test
  expression (the message after the comma is dropped) and re-printed by ``ast.unparse``, so
  whitespace, comments, redundant parentheses and quote style never matter. A hidden
  assertion leaks when the same normalised expression is an ``assert`` of a public test
  file. Names are not resolved: ``assert f(ROWS) == X`` matches whatever ``ROWS`` is bound to
  in either file.
- function tasks: the hidden "assertions" are the hidden inputs (``inputs.json``, base and
  plus); one leaks when a public test calls the entry point with exactly those arguments
  (positional literals only, compared by value after ``ast.literal_eval``).

A task is flagged ``leak`` when every hidden assertion is found: the hidden tests then check nothing
the public ones do not, and a public-test-only gate is the whole gate.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assay.records.task_audit import Leakage
from assay.tasks.load import Task
from assay.verify.function.data import read_inputs


def _parse(text: str) -> ast.Module | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return ast.parse(text)
        except (SyntaxError, ValueError, RecursionError):
            return None


def normalised_asserts(text: str) -> list[str]:
    """Every ``assert`` of a Python source, as ``assert <unparsed test>``, in source order.

    Unparsable source has none (the gate reports it; leakage is not the place).
    """
    tree = _parse(text)
    if tree is None:
        return []
    return [f"assert {ast.unparse(n.test)}" for n in ast.walk(tree) if isinstance(n, ast.Assert)]


def literal_calls(text: str, name: str) -> list[tuple[Any, ...]]:
    """The positional-literal argument tuples of every call of ``name(...)`` in a source."""
    tree = _parse(text)
    out: list[tuple[Any, ...]] = []
    if tree is None:
        return out
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
            continue
        if node.func.id != name or node.keywords:
            continue
        try:
            out.append(tuple(ast.literal_eval(a) for a in node.args))
        except (ValueError, TypeError, SyntaxError, RecursionError, MemoryError):
            continue  # a non-literal argument: not a verbatim copy of an input
    return out


def _read(paths: Iterable[Path]) -> list[str]:
    out = []
    for p in paths:
        if p.suffix == ".py" and p.is_file():
            out.append(p.read_text(encoding="utf-8", errors="replace"))
    return out


def _public_texts(task: Task) -> list[str]:
    return _read(task.workspace / rel for rel in task.public_tests)


def _same(a: tuple[Any, ...], b: list[Any]) -> bool:
    try:
        return len(a) == len(b) and all(
            x == y and type(x) is type(y) for x, y in zip(a, b, strict=True)
        )
    except Exception:  # an exotic value whose == raises: not the same
        return False


def leakage(task: Task) -> Leakage:
    """How many hidden assertions of ``task`` its public tests contain verbatim."""
    public = _public_texts(task)
    fn = task.spec.verify.function
    if task.spec.verify.runner == "function" and fn is not None:
        calls = [c for text in public for c in literal_calls(text, fn.entry_point)]
        inputs = read_inputs(task.hidden_dir / fn.inputs)
        hidden = inputs.decoded("base") + inputs.decoded("plus")
        found = [h for h in hidden if any(_same(c, h) for c in calls)]
        leaked = [repr(tuple(h))[:200] for h in found]
        return Leakage(
            method="input",
            hidden=len(hidden),
            leaked=leaked,
            leak=bool(hidden) and len(found) == len(hidden),
        )
    seen = {a for text in public for a in normalised_asserts(text)}
    hidden_asserts = [
        a
        for text in _read(task.hidden_dir / rel for rel in task.hidden_tests)
        for a in normalised_asserts(text)
    ]
    leaked = [a for a in hidden_asserts if a in seen]
    return Leakage(
        method="assert",
        hidden=len(hidden_asserts),
        leaked=leaked,
        leak=bool(hidden_asserts) and len(leaked) == len(hidden_asserts),
    )
