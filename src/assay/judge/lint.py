"""Deterministic lint counts beside every judgment: ruff over one side's Python files.

ruff runs on copies of the files in a scratch folder with ``--isolated`` (no configuration
of the task or the agent is read), ``--ignore-noqa`` (a ``# noqa`` hides nothing),
``--no-cache`` and a fixed rule selection (:data:`RULES`), so the same code always gives the
same counts (the lint channel's runner, :func:`assay.oversight.lint.run_ruff_json`). ruff
is found as this interpreter's ``ruff`` module (the ``dev`` extra) or a ``ruff`` on
``PATH``; when neither runs, the counts are recorded as unavailable with the reason, and the
judgment goes on.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections import Counter

from assay.oversight.lint import RuffUnavailable, run_ruff_json
from assay.records.judgment import LintCounts

RULES = ("E", "W", "F", "B", "SIM", "UP", "PL", "C90", "RUF")
"""pycodestyle, pyflakes, bugbear, simplify, pyupgrade, pylint, complexity, ruff's own."""


def ruff_command() -> tuple[str, ...] | None:
    """How to run ruff here, or None when it is not installed."""
    if importlib.util.find_spec("ruff") is not None:
        return (sys.executable, "-m", "ruff")
    found = shutil.which("ruff")
    return (found,) if found else None


def lint_counts(files: dict[str, str | None], command: tuple[str, ...] | None) -> LintCounts:
    """Ruff's findings per rule over the ``.py`` files present in ``files``."""
    code = {rel: text for rel, text in files.items() if rel.endswith(".py") and text is not None}
    if not code:
        return LintCounts(total=0, files=0)
    if command is None:
        return LintCounts(total=None, files=len(code), unavailable="ruff is not installed")
    try:
        items, _ = run_ruff_json(command, code, RULES)
    except RuffUnavailable as exc:
        return LintCounts(total=None, files=len(code), unavailable=str(exc))
    rules = Counter(str(item.get("code") or "syntax") for item in items if isinstance(item, dict))
    return LintCounts(
        total=sum(rules.values()), by_rule=dict(sorted(rules.items())), files=len(code)
    )
