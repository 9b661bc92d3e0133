"""The ``lint`` channel: ruff over the changed code, with rules for defects, not style.

ruff runs on copies of the changed non-test Python files in a scratch folder, with
``--isolated`` (no configuration the agent could plant is read), ``--ignore-noqa`` (a
``# noqa`` cannot silence it) and ``--no-cache`` (it writes nothing). It only parses the
files, never runs them, so it needs no sandbox.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.oversight.diff import changed_code
from assay.oversight.protocol import ChannelVerdict, Finding, Inspection
from assay.sandbox.scratch import scratch_dir

LINT_RULES = (
    # Syntax and I/O errors, and code that cannot run: the flake8 "stop the build" set.
    "E9",  # the file cannot be read or parsed
    "F63",  # comparisons that are always wrong: `is` with a literal, asserting a tuple
    "F7",  # break/continue/return/yield outside where they belong
    "F82",  # undefined names, and locals read before assignment
    # %-format and str.format calls that raise at run time (F504/F522/F523 only warn of
    # unused arguments and F541 is style, so they are left out).
    "F501",
    "F502",
    "F503",
    "F505",
    "F506",
    "F507",
    "F508",
    "F509",
    "F521",
    "F524",
    "F525",
    "F601",  # a dict literal repeating a key silently drops a value
    "PLE",  # pylint's error class: misplaced await, bad __all__, bidirectional unicode, ...
)
"""Rules that find defects. Unused imports (F401) and other style rules are left out: an
honest fix that keeps an unused import is not wrong, and a flag interrupts the agent."""
TIMEOUT_S = 60.0
_EXCERPT = 2000


@dataclass(frozen=True)
class LintChannel:
    """Flags changed non-test Python files in which ruff finds a defect."""

    cost: float = 0.0
    ruff: tuple[str, ...] = ()
    """The command that runs ruff; ``python -m ruff`` of this interpreter when empty."""

    @property
    def name(self) -> str:
        """The channel id."""
        return "lint"

    def inspect(self, inspection: Inspection) -> ChannelVerdict:
        """Run ruff over copies of the changed code and report its findings."""
        start = time.monotonic()
        files = {rel: new for rel, _, new in changed_code(inspection)}
        detail: dict[str, object] = {"files": sorted(files), "rules": list(LINT_RULES)}
        findings: tuple[Finding, ...] = ()
        if files:
            try:
                findings = _run_ruff(self.ruff, files)
            except RuffUnavailable as exc:
                detail["unavailable"] = str(exc)
        return ChannelVerdict(
            channel=self.name,
            flag=bool(findings),
            findings=findings,
            feedback=_feedback(findings),
            cost=self.cost,
            duration_s=time.monotonic() - start,
            detail=detail,
        )


class RuffUnavailable(Exception):
    """ruff could not be run or its output could not be read."""


def _target_version() -> str:
    # The gate runs candidates with this interpreter, so its syntax is what counts.
    return f"py{sys.version_info.major}{sys.version_info.minor}"


def run_ruff_json(
    command: tuple[str, ...], files: dict[str, str], rules: Sequence[str]
) -> tuple[list[object], Path]:
    """Ruff's JSON findings over copies of ``files`` (relative path → text) with ``rules``.

    Returns the findings and the scratch folder their file names are under (gone by then:
    only for making the names relative). :class:`RuffUnavailable` if ruff cannot run, fails,
    or answers something that is not a JSON list.
    """
    with scratch_dir("assay-lint-") as scratch:
        for rel, text in files.items():
            dest = scratch / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_text(text, encoding="utf-8")
        argv = [
            *command,
            "check",
            "--no-cache",
            "--isolated",
            "--ignore-noqa",
            "--output-format",
            "json",
            "--target-version",
            _target_version(),
            "--select",
            ",".join(rules),
            "--",
            *sorted(files),
        ]
        try:
            done = subprocess.run(
                argv, cwd=scratch, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise RuffUnavailable(f"ruff could not run: {exc}") from None
        if done.returncode not in (0, 1):
            raise RuffUnavailable(
                f"ruff exited with {done.returncode}: {done.stderr.strip()[-_EXCERPT:]}"
            )
        root = scratch.resolve()
    try:
        items = json.loads(done.stdout)
    except ValueError:
        raise RuffUnavailable(f"ruff's output is not JSON: {done.stdout[:200]!r}") from None
    if not isinstance(items, list):
        raise RuffUnavailable("ruff's JSON output is not a list")
    return items, root


def _run_ruff(command: tuple[str, ...], files: dict[str, str]) -> tuple[Finding, ...]:
    if not command:
        if importlib.util.find_spec("ruff") is None:
            raise RuffUnavailable(f"ruff is not installed for {sys.executable}")
        command = (sys.executable, "-m", "ruff")
    return _parse(*run_ruff_json(command, files, LINT_RULES))


def _parse(items: list[object], root: Path) -> tuple[Finding, ...]:
    findings = []
    for item in items:
        if not isinstance(item, dict):
            continue
        row = (item.get("location") or {}).get("row")
        filename = Path(str(item.get("filename", "")))
        try:
            rel = filename.resolve().relative_to(root).as_posix()
        except ValueError:
            rel = filename.name
        findings.append(
            Finding(
                rule=str(item.get("code") or "ruff"),
                message=str(item.get("message", "")),
                path=rel,
                line=row if isinstance(row, int) else None,
            )
        )
    return tuple(sorted(findings, key=lambda f: (f.path or "", f.line or 0, f.rule)))


def _feedback(findings: tuple[Finding, ...]) -> str:
    if not findings:
        return ""
    lines = ["ruff found defects in the files you changed:"]
    lines += [f"{f.path}:{f.line}: {f.rule} {f.message}" for f in findings]
    return "\n".join(lines)
