"""Spec elision: reads of what the latest verification showed passing get a short notice.

Fed by every verification the agent triggers (its ``done`` and the end-of-pass probe), at
two granularities:

- a *test module* is elided when every one of its tests passed in the latest verification;
- a *source module* is elided when a passing test module imports it and no failing test
  module does ("covers" means a direct ``import m`` / ``from m import ...`` of a module that
  is a file of the workspace: ``m.py`` or ``m/__init__.py``, dotted names as folders).

A write or edit of a module withdraws it and every test module that imports it until the
next verification: what was seen passing may no longer pass. A file asked for again in the
same pass is given (the model insists: it may need it to change it). The files on disk are
never touched; only the answer to ``read_file`` changes.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from assay.records.verdict import Verdict


def imported_modules(test_file: Path, root: Path) -> set[str]:
    """Workspace-relative paths of the workspace modules a test file imports directly."""
    try:
        tree = ast.parse(test_file.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return set()
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
    found = set()
    for name in names:
        base = name.replace(".", "/")
        for rel in (f"{base}.py", f"{base}/__init__.py"):
            if (root / rel).is_file():
                found.add(rel)
    return found


def test_file_results(verdict: Verdict) -> dict[str, bool]:
    """Per test file of a verdict, whether every one of its tests passed."""
    files: dict[str, bool] = {}
    for t in verdict.tests:
        path = t.id.split("::", 1)[0]
        files[path] = files.get(path, True) and t.outcome == "passed"
    return files


@dataclass
class Elision:
    """What the latest verification showed passing, at test-module and source granularity."""

    passing_tests: set[str] = field(default_factory=set)
    passing_sources: set[str] = field(default_factory=set)
    _imports: dict[str, set[str]] = field(default_factory=dict)
    _noticed: set[str] = field(default_factory=set)
    """Files answered with the notice in this pass: asked again, they are given."""

    def new_pass(self) -> None:
        """A fresh-context pass starts: it has seen no notice yet."""
        self._noticed.clear()

    def update(self, verdict: Verdict, root: Path) -> None:
        """Replace what is known with what ``verdict`` (run on ``root``) showed."""
        results = test_file_results(verdict)
        self._imports = {test: imported_modules(root / test, root) for test in results}
        self.passing_tests = {test for test, ok in results.items() if ok}
        covered = {m for t in self.passing_tests for m in self._imports[t]}
        failing = {m for t, ok in results.items() if not ok for m in self._imports[t]}
        self.passing_sources = covered - failing - set(results)

    def touched(self, rel: str) -> None:
        """A write to ``rel``: it, and every test module that imports it, may fail now."""
        self.passing_sources.discard(rel)
        self.passing_tests.discard(rel)
        self.passing_tests -= {t for t, mods in self._imports.items() if rel in mods}

    def notice(self, rel: str) -> str | None:
        """The short answer for a read of ``rel``, or None when it must be read."""
        if rel in self._noticed:
            return None
        text = self._text(rel)
        if text is not None:
            self._noticed.add(rel)
        return text

    def _text(self, rel: str) -> str | None:
        if rel in self.passing_tests:
            return f"{rel}: its tests already pass; no need to read it again."
        if rel in self.passing_sources:
            return (
                f"{rel}: the tests that cover it already pass; no need to read it (read it"
                " again if you must change it)."
            )
        return None
