"""The run directories under a folder, one line each (``assay runs list``); read-only."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assay.errors import InputError
from assay.results.runs import load_run


@dataclass(frozen=True)
class RunEntry:
    """One run directory as listed: what it is and how far it got."""

    path: str
    experiment: str | None
    """The manifest's name (None: the folder could not be read as a run)."""
    created: str | None
    """When the run started (``environment.json``'s ``started_at``), if recorded."""
    planned: int | None
    recorded: int | None
    """Attempts with a record (the latest try of each)."""
    complete: bool
    """Every planned attempt has a record."""
    problem: str | None = None
    """Why the folder could not be read as a run (it is listed all the same)."""


def find_run_dirs(folder: Path) -> list[Path]:
    """Every run directory (a folder holding ``manifest.sha256``) under ``folder``, sorted.

    A run directory's own sub-folders are not searched: runs are not nested in runs.
    """
    if not folder.is_dir():
        raise InputError.single(
            folder, "", "not a folder", "give the folder your run directories are in"
        )
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):
        if "manifest.sha256" in files:
            found.append(Path(root))
            dirs.clear()
        else:
            dirs.sort()
    return sorted(found)


def list_runs(folder: Path) -> list[RunEntry]:
    """One entry per run directory under ``folder``; nothing on disk is changed."""
    entries = []
    for path in find_run_dirs(folder):
        try:
            run = load_run(path)
        except InputError as exc:
            entries.append(RunEntry(str(path), None, None, None, None, False, str(exc)))
            continue
        started = run.environment.get("started_at")
        planned = len(run.planned())
        entries.append(
            RunEntry(
                path=str(path),
                experiment=run.manifest.name,
                created=started if isinstance(started, str) else None,
                planned=planned,
                recorded=len(run.records),
                complete=not run.missing_attempts(),
            )
        )
    return entries
