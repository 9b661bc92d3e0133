"""``assay run`` options applied to a manifest before it is hashed, so they stay pre-registered.

``--tasks`` and ``--limit`` become the manifest's ``tasks`` (the ids they select, in each
suite's id order), ``-M KEY=VALUE`` every agent's ``config[KEY]``, ``--max-connections``
``concurrency.model_connections``, ``--timeout`` ``timeouts.attempt_s`` and
``--review-model`` ``review.model``. The options as given are recorded in ``overrides``:
a resume given different ones is refused (``overrides_changed``, exit 2).
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from pathlib import Path

from assay.errors import InputError
from assay.records.manifest import Manifest, RunOverrides, SweepValue, manifest_from_dict
from assay.runner.prepare import resolve_suites
from assay.runner.sweep import parse_value
from assay.tasks.suite import load_suite

_SETTING = re.compile(r"^([a-z_][a-z0-9_]*)=(.*)$", re.DOTALL)


def parse_patterns(values: list[str]) -> list[str]:
    """Task ids or patterns from repeated, comma-separated ``--tasks`` values, in order, once."""
    out: list[str] = []
    for value in values:
        for part in value.split(","):
            item = part.strip()
            if not item:
                raise InputError.single(
                    "command line",
                    "--tasks",
                    f"{value!r} has an empty id or pattern",
                    "separate ids and patterns by single commas: --tasks 'sort-*,parse-int'",
                )
            if item not in out:
                out.append(item)
    return out


def parse_settings(values: list[str]) -> dict[str, SweepValue]:
    """``-M KEY=VALUE`` options as typed settings (``true``, ``3``, ``0.5``, else text)."""
    out: dict[str, SweepValue] = {}
    for value in values:
        match = _SETTING.match(value)
        if match is None or not match.group(2).strip():
            raise InputError.single(
                "command line",
                "-M",
                f"{value!r} is not KEY=VALUE (KEY: lower-case letters, digits and '_')",
                "give e.g. -M temperature=0.2 -M max_tokens=1024",
            )
        key, text = match.group(1), match.group(2).strip()
        if key in out:
            raise InputError.single(
                "command line", "-M", f"{key} is set twice", "give each setting once"
            )
        out[key] = parse_value(text)
    return out


def select_task_ids(
    manifest: Manifest, manifest_dir: Path | None, patterns: list[str], limit: int | None
) -> list[str]:
    """The ids ``patterns`` select (all when empty), the first ``limit`` of each suite.

    Within the manifest's own ``tasks`` when it names some. A pattern that selects nothing
    is bad input: a mistyped id would otherwise just shrink the run.
    """
    chosen: list[str] = []
    used: set[str] = set()
    for suite in resolve_suites(manifest, manifest_dir):
        ids = [t.id for t in load_suite(suite.folder)]
        if manifest.tasks:
            ids = [i for i in ids if i in manifest.tasks]
        hits = [i for i in ids if not patterns or any(fnmatchcase(i, p) for p in patterns)]
        used.update(p for p in patterns for i in hits if fnmatchcase(i, p))
        fresh = [i for i in hits if i not in chosen]
        chosen += fresh[:limit] if limit is not None else fresh
    unused = [p for p in patterns if p not in used]
    if unused:
        raise InputError.single(
            "command line",
            "--tasks",
            f"{', '.join(unused)} select no task of the suites {', '.join(manifest.suites)}",
            "use ids printed by `assay tasks list SUITE`, or shell patterns such as 'sort-*'",
        )
    return chosen


def apply_overrides(
    manifest: Manifest, overrides: RunOverrides, manifest_dir: Path | None
) -> Manifest:
    """The manifest with ``overrides`` applied and recorded; unchanged when none is given."""
    if not overrides.given():
        return manifest
    raw = manifest.model_dump(mode="json", by_alias=True)
    if overrides.tasks is not None or overrides.limit is not None:
        raw["tasks"] = select_task_ids(
            manifest, manifest_dir, overrides.tasks or [], overrides.limit
        )
    if overrides.model_settings:
        for agent in raw["agents"]:
            agent["config"] = {**agent["config"], **overrides.model_settings}
    if overrides.max_connections is not None:
        raw["concurrency"] = {**raw["concurrency"], "model_connections": overrides.max_connections}
    if overrides.timeout_s is not None:
        raw["timeouts"] = {
            **manifest.timeouts_or_default().model_dump(),
            "attempt_s": overrides.timeout_s,
        }
    if overrides.review_model is not None:
        raw["review"] = {"kind": "llm", "model": overrides.review_model}
    raw["overrides"] = overrides.model_dump(mode="json", exclude_none=True)
    # The executor is left out of the manifest's JSON (it is not part of the digest): carry it.
    return manifest_from_dict(raw, source="command line").model_copy(
        update={"executor": manifest.executor}
    )


def check_resume_overrides(recorded: Manifest, given: RunOverrides, run_dir: Path) -> None:
    """Refuse a resume given options other than those the run started with (exit 2)."""
    if not given.given():
        return  # the recorded manifest already carries the run's options
    before = recorded.overrides or RunOverrides()
    if given != before:
        raise InputError.single(
            run_dir / "manifest.json",
            "overrides",
            f"overrides_changed: the run started with {_shown(before)}, the resume gives"
            f" {_shown(given)}",
            "resume without these options (the run keeps its own), or start a new run",
        )


def _shown(overrides: RunOverrides) -> str:
    given = overrides.model_dump(mode="json", exclude_none=True)
    return ", ".join(f"{k}={v}" for k, v in sorted(given.items())) or "no overrides"
