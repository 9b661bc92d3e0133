"""Examples in a docstring (``>>> f(x)`` / ``f(x) ➞ y``) turned into safe assert statements.

Only a call of the entry point whose arguments are all literals, with a literal expected value,
is taken: nothing else from a docstring is ever turned into code. A float result is compared
with a tolerance; a structure holding floats is skipped (no safe exact comparison). Whether an
example is *right* is decided later, by running the reference solution on it.
"""

from __future__ import annotations

import ast
import doctest
import re
from dataclasses import dataclass

_SEPARATORS = ("==>", "==", "=>", "➞", "->", "→", "=", "should return", "returns", "return", "is")
_MAX_SOURCE = 400


@dataclass(frozen=True)
class Example:
    """One docstring example: a call of the entry point and its expected value."""

    call: str
    expected: str
    tolerance: bool

    def assertion(self) -> str:
        """The example as one ``assert`` statement."""
        if self.tolerance:
            return f"assert abs({self.call} - {self.expected}) < 1e-6"
        return f"assert {self.call} == {self.expected}"


def _literal(node: ast.expr) -> object:
    return ast.literal_eval(node)


def _holds_float(value: object) -> bool:
    if isinstance(value, float | complex):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_float(v) for v in value)
    if isinstance(value, dict):
        return any(_holds_float(k) or _holds_float(v) for k, v in value.items())
    return False


def _make(call_src: str, want_src: str, entry_point: str) -> Example | None:
    if len(call_src) > _MAX_SOURCE or len(want_src) > _MAX_SOURCE:
        return None
    try:
        call = ast.parse(call_src.strip(), mode="eval").body
        want = ast.parse(want_src.strip(), mode="eval").body
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)):
            return None
        if call.func.id != entry_point or any(k.arg is None for k in call.keywords):
            return None
        for arg in [*call.args, *(k.value for k in call.keywords)]:
            _literal(arg)
        value = _literal(want)
    except (SyntaxError, ValueError, TypeError, MemoryError, RecursionError):
        return None
    scalar_float = isinstance(value, float) and not isinstance(value, bool)
    if _holds_float(value) and not scalar_float:
        return None
    return Example(ast.unparse(call), ast.unparse(want), tolerance=scalar_float)


def _call_prefix(text: str, start: int) -> tuple[str, str] | None:
    """Split ``text[start:]`` into the shortest call expression and what follows it."""
    for end in (m.end() for m in re.finditer(r"\)", text[start:])):
        head = text[start : start + end]
        try:
            if isinstance(ast.parse(head, mode="eval").body, ast.Call):
                return head, text[start + end :]
        except SyntaxError:
            continue
    return None


_WORDS = {"true": "True", "false": "False", "none": "None"}
_FOR_INPUT = re.compile(r"For (\w+) = (.+?),? the output should be (.+)$")


def _want_texts(want: str) -> list[str]:
    texts = [want.rstrip(".,;"), want]
    return texts + [_WORDS[t.lower()] for t in texts if t.lower() in _WORDS]


def _prose(line: str, entry_point: str, params: list[str]) -> Example | None:
    """``f(x) ➞ y`` (and friends), or ``For x = v the output should be y`` for one parameter."""
    line = line.strip().removeprefix(">>>").strip()
    m = _FOR_INPUT.search(line)
    if m and params == [m.group(1)]:
        for want in _want_texts(m.group(3).strip()):
            found = _make(f"{entry_point}({m.group(2)})", want, entry_point)
            if found is not None:
                return found
    for m in re.finditer(rf"\b{re.escape(entry_point)}\(", line):
        split = _call_prefix(line, m.start())
        if split is None:
            continue
        call, rest = split
        rest = rest.strip()
        for sep in _SEPARATORS:
            if rest.startswith(sep):
                for want in _want_texts(rest[len(sep) :].strip()):
                    found = _make(call, want, entry_point)
                    if found is not None:
                        return found
                break
    return None


def docstring_examples(docstring: str, entry_point: str, params: list[str]) -> list[Example]:
    """The safe examples of a docstring (``params``: the entry point's), in order, no repeats."""
    found: list[Example] = []
    try:
        for doc_ex in doctest.DocTestParser().get_examples(docstring):
            made = _make(doc_ex.source, doc_ex.want, entry_point) if doc_ex.want.strip() else None
            if made is not None:
                found.append(made)
    except ValueError:  # malformed doctest syntax: fall back to the prose patterns only
        pass
    for line in docstring.splitlines():
        made = _prose(line, entry_point, params)
        if made is not None:
            found.append(made)
    unique: list[Example] = []
    for ex in found:
        if ex.call not in {u.call for u in unique}:
            unique.append(ex)
    return unique


def function_docs(source: str, name: str) -> tuple[str, list[str]]:
    """The docstring and parameter names of the last top-level function ``name``."""
    fns = [s for s in ast.parse(source).body if isinstance(s, ast.FunctionDef) and s.name == name]
    if not fns:
        return "", []
    return ast.get_docstring(fns[-1]) or "", [a.arg for a in fns[-1].args.args]
