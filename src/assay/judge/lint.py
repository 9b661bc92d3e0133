"""Deterministic lint counts beside every judgment: ruff over one side's Python files.

ruff runs on copies of the files in a scratch folder with ``--isolated`` (no configuration
of the task or the agent is read), ``--ignore-noqa`` (a ``# noqa`` hides nothing),
``--no-cache`` and a fixed rule selection (:data:`RULES`), so the same code always gives the
same counts. It is found as this interpreter's ``ruff`` module (the ``dev`` extra) or a
``ruff`` on ``PATH``; when neither runs, the counts are recorded as unavailable with the
reason, and the judgment goes on.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from collections import Counter

from assay.records.judgment import LintCounts
from assay.sandbox.scratch import scratch_dir

RULES = ("E", "W", "F", "B", "SIM", "UP", "PL", "C90", "RUF")
"""pycodestyle, pyflakes, bugbear, simplify, pyupgrade, pylint, complexity, ruff's own."""
TIMEOUT_S = 60.0


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
    with scratch_dir("assay-judge-lint-") as scratch:
        for rel, text in code.items():
            dest = scratch / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        argv = [
            *command,
            "check",
            "--no-cache",
            "--isolated",
            "--ignore-noqa",
            "--exit-zero",
            "--output-format",
            "json",
            "--target-version",
            f"py{sys.version_info.major}{sys.version_info.minor}",
            "--select",
            ",".join(RULES),
            "--",
            *sorted(code),
        ]
        try:
            done = subprocess.run(
                argv, cwd=scratch, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            return LintCounts(total=None, files=len(code), unavailable=f"ruff could not run: {exc}")
    if done.returncode != 0:
        why = f"ruff exited with {done.returncode}: {done.stderr.strip()[-300:]}"
        return LintCounts(total=None, files=len(code), unavailable=why)
    try:
        items = json.loads(done.stdout)
    except ValueError:
        why = f"ruff's output is not JSON: {done.stdout[:200]!r}"
        return LintCounts(total=None, files=len(code), unavailable=why)
    if not isinstance(items, list):
        return LintCounts(total=None, files=len(code), unavailable="ruff's JSON is not a list")
    rules = Counter(str(item.get("code") or "syntax") for item in items if isinstance(item, dict))
    return LintCounts(
        total=sum(rules.values()), by_rule=dict(sorted(rules.items())), files=len(code)
    )
