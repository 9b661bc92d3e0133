"""Plain test modules: which ones the fast path may run without pytest, and counting asserts.

A module is *plain* when pytest would collect from it exactly its top-level ``def test*()``
functions and call each without fixtures: no classes, decorators, parameters, generators or
coroutines, no module-level set-up hooks, no pytest/unittest import, and no ``test*`` name bound
any other way. Anything else goes to the pytest gate, so the two paths agree by construction.

Counting: every ``assert`` is followed by a call of a counter, so a test that returns (or is
made to return) before its asserts ran is seen to have run fewer of them than the reference.
Standard library only: this runs inside the sandboxed server.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from types import CodeType

TICK = "__assay_tick__"
"""The global the instrumented code calls after each passing ``assert``."""

_SETUP_NAMES = frozenset(
    {
        "setup_module",
        "teardown_module",
        "setUpModule",
        "tearDownModule",
        "setup_function",
        "teardown_function",
        "setup",
        "teardown",
        "pytestmark",
        "pytest_plugins",
    }
)
_RUNNER_MODULES = frozenset({"pytest", "_pytest", "unittest", "hypothesis", "pluggy"})
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


class NotPlainError(ValueError):
    """The module needs pytest; the message says why."""


@dataclass(frozen=True)
class PlainModule:
    """A test module the fast path can run: its path, module name and test functions."""

    path: str
    """POSIX path relative to the run folder (``_assay_hidden/test_hidden.py``)."""
    name: str
    """The module name pytest's importlib mode gives it (``_assay_hidden.test_hidden``)."""
    tests: tuple[str, ...]
    """Test function names in definition order."""

    def test_ids(self) -> tuple[str, ...]:
        """The pytest node ids of the tests."""
        return tuple(f"{self.path}::{t}" for t in self.tests)


def module_name(path: str) -> str:
    """Return the dotted module name of a relative ``.py`` path."""
    return path.removesuffix(".py").replace("/", ".")


def _own_nodes(node: ast.AST) -> list[ast.AST]:
    """Nodes of a function body, not descending into nested scopes."""
    out: list[ast.AST] = []
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        out.append(child)
        if not isinstance(child, _SCOPES):
            stack.extend(ast.iter_child_nodes(child))
    return out


def _check_test(path: str, fn: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
    where = f"{path}::{fn.name}"
    if isinstance(fn, ast.AsyncFunctionDef):
        raise NotPlainError(f"{where} is a coroutine")
    if fn.decorator_list:
        raise NotPlainError(f"{where} is decorated")
    a = fn.args
    if a.posonlyargs or a.args or a.vararg or a.kwonlyargs or a.kwarg:
        raise NotPlainError(f"{where} takes parameters (fixtures)")
    if any(isinstance(n, ast.Yield | ast.YieldFrom) for n in _own_nodes(fn)):
        raise NotPlainError(f"{where} is a generator")


def _bound_names(stmt: ast.stmt) -> list[str]:
    """Names a top-level statement binds in the module namespace (defs excluded)."""
    if isinstance(stmt, ast.Import | ast.ImportFrom):
        return [(a.asname or a.name).split(".")[0] for a in stmt.names]
    nodes = [stmt, *_own_nodes(stmt)]
    return [n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def inspect_module(path: str, source: str) -> tuple[PlainModule, ast.Module]:
    """Parse a test module and return its plain form, or raise :class:`NotPlainError`."""
    try:
        tree = ast.parse(source, filename=path)
    except SyntaxError as exc:
        raise NotPlainError(f"{path} does not parse: {exc.msg}") from None
    tests: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef):
            raise NotPlainError(f"{path} defines class {stmt.name}")
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            modules = [a.name for a in stmt.names] if isinstance(stmt, ast.Import) else []
            if isinstance(stmt, ast.ImportFrom):
                if stmt.level:
                    raise NotPlainError(f"{path} uses a relative import")
                modules.append(stmt.module or "")
                if any(a.name == "*" for a in stmt.names):
                    raise NotPlainError(f"{path} uses a star import")
            if any(m.split(".")[0] in _RUNNER_MODULES for m in modules):
                raise NotPlainError(f"{path} imports a test framework")
        if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef):
            if stmt.name in _SETUP_NAMES:
                raise NotPlainError(f"{path} defines the set-up hook {stmt.name}")
            if stmt.name.startswith("test"):
                if stmt.name in tests:
                    raise NotPlainError(f"{path} defines {stmt.name} twice")
                _check_test(path, stmt)
                tests.append(stmt.name)
            continue
        for name in _bound_names(stmt):
            if name.startswith("test") or name in _SETUP_NAMES:
                raise NotPlainError(f"{path} binds {name} outside a plain def")
    if not tests:
        raise NotPlainError(f"{path} has no test functions")
    return PlainModule(path=path, name=module_name(path), tests=tuple(tests)), tree


def imported_modules(source: str) -> set[str]:
    """Every module name an ``import`` in the source names (dotted, and each prefix)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        found = []
        if isinstance(node, ast.Import):
            found = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found = [node.module]
        for name in found:
            parts = name.split(".")
            names |= {".".join(parts[: i + 1]) for i in range(len(parts))}
    return names


class _CountAsserts(ast.NodeTransformer):
    def visit_Assert(self, node: ast.Assert) -> list[ast.stmt]:
        tick = ast.Expr(ast.Call(ast.Name(TICK, ast.Load()), [], []))
        return [node, ast.copy_location(tick, node)]


def compile_counted(path: str, source: str) -> CodeType:
    """Compile a plain test module with a counter call after every ``assert``."""
    _, tree = inspect_module(path, source)
    counted = ast.fix_missing_locations(_CountAsserts().visit(tree))
    return compile(counted, path, "exec", dont_inherit=True)
