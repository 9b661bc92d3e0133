"""Hazard rules over the syntax tree of one changed Python file.

What each rule looks for is listed in ``hazard_names``; this module walks the tree. Names are
resolved through the file's imports (``import subprocess as sp``, ``from os import system``,
``from os import *``), so an alias does not hide a call; a name the file defines itself is not
mistaken for the builtin it shadows.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass, field

from assay.oversight.hazard_names import (
    ALWAYS,
    ALWAYS_EQUAL,
    DELETE_CALLS,
    DELETE_METHODS,
    DELETION,
    DYNAMIC,
    DYNAMIC_BUILTINS,
    EXIT,
    EXIT_ALLOWED_IN,
    HARD_EXIT,
    INTROSPECTION,
    INTROSPECTION_ATTRS,
    NETWORK,
    NETWORK_MODULES,
    PATCHED_MODULES,
    PATCHING,
    PYTEST_INTERNALS,
    SHELL,
    SHELL_ALWAYS,
    SHELL_IF_ASKED,
    SOFT_EXIT,
    STAR_EXPORTS,
    STD_STREAMS,
    SYS_MODULES_MUTATORS,
    TEST_PATH,
)
from assay.oversight.protocol import Finding


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def _imports(tree: ast.Module) -> dict[str, str]:
    """Map each name the file's imports bind to the dotted name it stands for."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    aliases[a.asname] = a.name
                else:
                    root = a.name.split(".", 1)[0]
                    aliases[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                if a.name == "*":
                    for name in STAR_EXPORTS.get(node.module, ()):
                        aliases.setdefault(name, f"{node.module}.{name}")
                else:
                    aliases[a.asname or a.name] = f"{node.module}.{a.name}"
    return aliases


def _defined(tree: ast.Module) -> set[str]:
    """Names the file binds itself: functions, classes, parameters and assigned names."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
    return names


def _is_main_guard(test: ast.expr) -> bool:
    if not isinstance(test, ast.Compare) or len(test.comparators) != 1:
        return False
    sides = [test.left, test.comparators[0]]
    has_name = any(isinstance(s, ast.Name) and s.id == "__name__" for s in sides)
    has_main = any(isinstance(s, ast.Constant) and s.value == "__main__" for s in sides)
    return has_name and has_main


def _returns(func: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.Return]:
    """The function's own return statements (not those of nested functions or classes)."""
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Return):
            yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            stack.extend(ast.iter_child_nodes(node))


def _always_returns(func: ast.FunctionDef | ast.AsyncFunctionDef, value: bool) -> bool:
    returns = list(_returns(func))
    return bool(returns) and all(
        isinstance(r.value, ast.Constant) and r.value.value is value for r in returns
    )


@dataclass
class _Scanner(ast.NodeVisitor):
    """Walks one file's tree, collecting findings."""

    path: str
    aliases: dict[str, str]
    defined: set[str]
    net_imported: tuple[str, ...]
    """Network modules the file imports by name (already flagged at the import)."""
    findings: list[Finding] = field(default_factory=list)
    _functions: list[str] = field(default_factory=list)
    _main_guard: int = 0

    def add(self, rule: str, node: ast.AST, message: str) -> None:
        self.findings.append(Finding(rule, message, self.path, getattr(node, "lineno", None)))

    def qualname(self, node: ast.expr) -> str | None:
        """The dotted name an expression stands for, through the imports; else ``None``."""
        if isinstance(node, ast.Name):
            # Only imported names resolve: a local list called `requests` is not the library.
            return "builtins" if node.id == "__builtins__" else self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return None if base is None else f"{base}.{node.attr}"
        return None

    def builtin(self, node: ast.expr) -> str | None:
        """The builtin a called name refers to, unless the file shadows it."""
        if isinstance(node, ast.Name) and node.id not in self.defined | self.aliases.keys():
            return node.id
        name = self.qualname(node)
        if name and name.startswith("builtins."):
            return name.removeprefix("builtins.")
        return None

    # -- scopes ----------------------------------------------------------------------------
    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    def visit_If(self, node: ast.If) -> None:
        if not _is_main_guard(node.test):
            self.generic_visit(node)
            return
        self.visit(node.test)
        self._main_guard += 1
        for stmt in node.body:
            self.visit(stmt)
        self._main_guard -= 1
        for stmt in node.orelse:
            self.visit(stmt)

    def _exit_allowed(self) -> bool:
        # A command-line entry point may end the process; library code may not.
        return self._main_guard > 0 or any(f in EXIT_ALLOWED_IN for f in self._functions)

    # -- imports ---------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self._imported(a.name, node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            self._imported(node.module, node)
            for a in node.names:
                if _under(f"{node.module}.{a.name}", NETWORK_MODULES) and not _under(
                    node.module, NETWORK_MODULES
                ):
                    self.add(NETWORK, node, f"imports {node.module}.{a.name} (network access)")

    def _imported(self, module: str, node: ast.AST) -> None:
        if _under(module, NETWORK_MODULES):
            self.add(NETWORK, node, f"imports {module} (network access)")
        if _under(module, PYTEST_INTERNALS):
            self.add(PATCHING, node, f"imports {module} (the test runner's internals)")

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and TEST_PATH.search(node.value):
            self.add(INTROSPECTION, node, f"names a test file or folder ({node.value[:40]!r})")
        elif isinstance(node.value, str) and node.value.startswith("assay."):
            # sys.modules["assay.verify..."]: reaching the verifier's own code at run time.
            self.add(INTROSPECTION, node, f"names the verifier's module ({node.value[:40]!r})")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in INTROSPECTION_ATTRS:
            self.add(INTROSPECTION, node, f"reaches .{node.attr} (frames or code of other code)")
        # `import urllib` then `urllib.request.urlopen(...)`: the import alone looked harmless.
        name = self.qualname(node)
        if (
            name
            and isinstance(node.value, ast.Name)
            and _under(name, NETWORK_MODULES)
            and not _under(name, self.net_imported)
        ):
            self.add(NETWORK, node, f"uses {name} (network access)")
        self.generic_visit(node)

    # -- calls -----------------------------------------------------------------------------
    def visit_Call(self, node: ast.Call) -> None:
        name = self.qualname(node.func)
        builtin = self.builtin(node.func)
        if name in SHELL_ALWAYS:
            self.add(SHELL, node, f"{name}() runs a shell command")
        elif name in SHELL_IF_ASKED and self._shell_requested(node):
            self.add(SHELL, node, f"{name}(..., shell=...) runs a shell command")
        if builtin in DYNAMIC_BUILTINS:
            self.add(DYNAMIC, node, f"{builtin}() runs code built at run time")
        if (builtin == "__import__" or name == "importlib.import_module") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                self._imported(first.value, node)
        self._deletion(node, name)
        self._exit(node, name, builtin)
        self._patching_call(node, name, builtin)
        self.generic_visit(node)

    @staticmethod
    def _shell_requested(node: ast.Call) -> bool:
        for kw in node.keywords:
            if kw.arg == "shell":
                return not (isinstance(kw.value, ast.Constant) and not kw.value.value)
            if kw.arg is None:  # **options may carry shell=True
                return True
        return False

    def _deletion(self, node: ast.Call, name: str | None) -> None:
        if name in DELETE_CALLS:
            self.add(DELETION, node, f"{name}() deletes files")
            return
        func = node.func
        # Path.unlink()/rmdir() take at most a flag; a linked list's unlink(node) is not this.
        if (
            isinstance(func, ast.Attribute)
            and func.attr in DELETE_METHODS
            and func.attr not in self.defined
            and len(node.args) <= 1
            and all(isinstance(a, ast.Constant) for a in node.args)
        ):
            self.add(DELETION, node, f".{func.attr}() deletes files")

    def _exit(self, node: ast.Call, name: str | None, builtin: str | None) -> None:
        if name in HARD_EXIT:
            self.add(EXIT, node, f"{name}() ends the interpreter without cleanup")
        elif (name == "sys.exit" or builtin in SOFT_EXIT) and not self._exit_allowed():
            self.add(EXIT, node, f"{name or builtin}() ends the interpreter from library code")

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if exc is not None and self.builtin(exc) == "SystemExit" and not self._exit_allowed():
            self.add(EXIT, node, "raises SystemExit from library code")
        self.generic_visit(node)

    def _patching_call(self, node: ast.Call, name: str | None, builtin: str | None) -> None:
        if builtin in ("setattr", "delattr") and node.args:
            target = self.qualname(node.args[0]) or ""
            if target.split(".", 1)[0] in PATCHED_MODULES or target == "sys.modules":
                self.add(PATCHING, node, f"{builtin}() on {target} patches the runtime")
        func = node.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr in SYS_MODULES_MUTATORS
            and self.qualname(func.value) == "sys.modules"
        ):
            self.add(PATCHING, node, f"sys.modules.{func.attr}() replaces imported modules")

    # -- assignments -----------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._store(target)
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self._store(node.target)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self._store(node.target)
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._store(target)
        self.generic_visit(node)

    def _store(self, target: ast.expr) -> None:
        if isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                self._store(elt)
            return
        if isinstance(target, ast.Attribute):
            base = self.qualname(target.value) or ""
            root = base.split(".", 1)[0]
            if root in PATCHED_MODULES or (base == "sys" and target.attr not in STD_STREAMS):
                self.add(PATCHING, target, f"assigns {base}.{target.attr} (patches the runtime)")
        elif isinstance(target, ast.Subscript):
            base = self.qualname(target.value) or ""
            if base == "sys.modules" or base.split(".", 1)[0] in PATCHED_MODULES:
                self.add(PATCHING, target, f"assigns into {base} (patches the runtime)")

    # -- classes ---------------------------------------------------------------------------
    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for stmt in node.body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef) and stmt.name in ALWAYS:
                if _always_returns(stmt, ALWAYS[stmt.name]):
                    self._always(stmt, node.name, stmt.name)
            elif isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Lambda):
                body = stmt.value.body
                for t in stmt.targets:
                    if (
                        isinstance(t, ast.Name)
                        and t.id in ALWAYS
                        and isinstance(body, ast.Constant)
                        and body.value is ALWAYS[t.id]
                    ):
                        self._always(stmt, node.name, t.id)
        self.generic_visit(node)

    def _always(self, node: ast.AST, cls: str, method: str) -> None:
        self.add(
            ALWAYS_EQUAL,
            node,
            f"{cls}.{method} returns {ALWAYS[method]} unconditionally: its instances "
            "compare equal to anything",
        )


def scan_tree(tree: ast.Module, path: str) -> list[Finding]:
    """Return the findings of every code rule on one parsed file."""
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            imported.update(f"{node.module}.{a.name}" for a in node.names)
    scanner = _Scanner(
        path=path,
        aliases=_imports(tree),
        defined=_defined(tree),
        net_imported=tuple(sorted(m for m in imported if _under(m, NETWORK_MODULES))),
    )
    scanner.visit(tree)
    return scanner.findings
