"""Before a run writes anything: resolve its suites, load and fingerprint its tasks, plan.

A new run resolves each suite the manifest names relative to the manifest's own folder
(then the current folder, then the bundled suites), loads every task, and records the
result as ``tasks.json`` (:class:`~assay.records.tasks.TaskList`). A resumed run never
resolves suites again: it loads the recorded task folders, from any current folder, and
refuses to go on if a task's files changed since the start (``task_changed``).
"""

from __future__ import annotations

import os
import platform
import subprocess
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assay import __version__
from assay.errors import InputError, Problem
from assay.records.manifest import Manifest
from assay.records.tasks import SuiteEntry, TaskEntry, TaskList, changed_files
from assay.runner.spec import AttemptSpec
from assay.sandbox.isolation import Plan
from assay.sandbox.limits import Limits
from assay.store.rundir import RunDir
from assay.tasks.digest import file_digests, folder_digest
from assay.tasks.load import Task, load_task
from assay.tasks.suite import load_suite, resolve_suite


def resolve_suites(manifest: Manifest, base: Path | None) -> list[SuiteEntry]:
    """Each suite's folder: relative to ``base`` (the manifest's folder) first, if given."""
    out = []
    for given in manifest.suites:
        path = Path(given).expanduser()
        if base is not None and not path.is_absolute() and (base / path).is_dir():
            folder = base / path
        else:
            folder = resolve_suite(given)
        out.append(SuiteEntry(given=given, folder=str(folder.resolve())))
    return out


def load_tasks(manifest: Manifest, suites: list[SuiteEntry]) -> list[Task]:
    """The manifest's tasks from the resolved suites, in plan order (first suite wins an id)."""
    tasks: dict[str, Task] = {}
    for suite in suites:
        for t in load_suite(suite.folder):
            tasks.setdefault(t.id, t)
    if manifest.tasks:
        unknown = sorted(set(manifest.tasks) - set(tasks))
        if unknown:
            raise InputError.single(
                "manifest",
                "tasks",
                f"unknown task ids {unknown}",
                "use ids printed by `assay tasks list SUITE`",
            )
        return [tasks[i] for i in manifest.tasks]
    return sorted(tasks.values(), key=lambda t: t.id)


def task_list(suites: list[SuiteEntry], tasks: list[Task]) -> TaskList:
    """The record of the run's tasks: folders and the sha256 of every file."""
    entries = []
    for t in tasks:
        files = file_digests(t.root)
        home = next(
            (s.given for s in suites if Path(t.root).resolve().is_relative_to(s.folder)), None
        )
        entries.append(
            TaskEntry(
                id=t.id,
                folder=str(t.root),
                digest=folder_digest(files),
                files=files,
                suite=home,
                tags=tuple(t.spec.tags),
            )
        )
    return TaskList(suites=suites, tasks=entries)


def recorded_tasks(recorded: TaskList, run_root: Path) -> list[Task]:
    """Load the tasks a run started with; refuse any whose files changed (``task_changed``)."""
    problems: list[Problem] = []
    tasks: list[Task] = []
    for entry in recorded.tasks:
        folder = Path(entry.folder)
        if not folder.is_dir():
            problems.append(
                Problem(
                    str(folder),
                    entry.id,
                    "task_changed: the task folder the run started with is gone",
                    "restore the folder, or start a new run",
                )
            )
            continue
        changed = changed_files(entry, file_digests(folder))
        if changed:
            shown = ", ".join(changed[:5]) + (" ..." if len(changed) > 5 else "")
            problems.append(
                Problem(
                    str(folder),
                    entry.id,
                    f"task_changed: {shown} differ from when the run started",
                    f"restore the task's files, or start a new run (recorded in"
                    f" {run_root / 'tasks.json'})",
                )
            )
            continue
        tasks.append(load_task(folder))
    if problems:
        raise InputError(problems)
    return tasks


def environment(plan: Plan) -> dict[str, Any]:
    """What the run ran on: versions, platform, isolation (no paths, no secrets)."""
    src = Path(__file__).resolve().parent
    sha = dirty = None
    try:
        sha = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "-C", str(src), "status", "--porcelain", "."],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "assay_version": __version__,
        "git_sha": sha,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "isolation": plan.describe(Limits()).model_dump(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def plan_attempts(manifest: Manifest, tasks: list[Task]) -> list[AttemptSpec]:
    """Every attempt of the experiment, interleaved so that arms share machine conditions."""
    return [
        AttemptSpec(task=t, agent=a, condition=c, seed=s)
        for s in range(1, manifest.seeds + 1)
        for t in tasks
        for a in manifest.agents
        for c in manifest.conditions
    ]


def to_run(
    manifest: Manifest, tasks: list[Task], run: RunDir, *, retry_faults: bool
) -> list[AttemptSpec]:
    """The attempts still to run, each as its next try.

    Never recorded: try 1 (a try cut short before its record never happened). Last try
    interrupted, or (with ``retry_faults``) ended in an infrastructure fault: the next try.
    Any other last try is an outcome and is never run again.
    """
    latest = run.latest()
    todo = []
    for spec in plan_attempts(manifest, tasks):
        last = latest.get(spec.attempt_id)
        if last is None:
            todo.append(spec)
        elif last.outcome == "interrupted" or (
            retry_faults and last.fault_class == "infrastructure"
        ):
            todo.append(replace(spec, try_=last.try_ + 1))
    return todo
