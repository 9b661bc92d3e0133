"""A harness's scripts in every evaluated workspace (the contract's ``scripts/`` folder).

The regular files under the harness's ``scripts/`` are laid into each evaluated task's
*starting* workspace at the same paths, by copying the split's tasks into the evaluation
folder (``EVAL/tasks``) and adding the scripts to each copy's ``workspace/``. They are
therefore part of the pristine workspace every record is measured against: the attempt's
diff, the gate's protected-file and hazard checks and the final candidate see only what the
agent changed, never the scripts. The hidden tests are copied untouched. A script whose path
is already a file of a task's workspace, or that a task protects (its public tests, its
``protected`` globs), would shadow the task: the harness breaks the contract (exit 2 for the
baseline, ``crash`` for a child), never a silent overwrite.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Final

from assay.errors import InputError
from assay.records.optimize import SplitSpec
from assay.tasks.load import Task
from assay.tasks.suite import load_suite

SCRIPTS_DIR: Final = "scripts"


def harness_scripts(harness: Path) -> list[str]:
    """The harness's scripts: regular files under ``scripts/``, relative to the harness."""
    folder = harness / SCRIPTS_DIR
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(
        p.relative_to(harness).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and not p.is_symlink()
    )


def scripts_note(scripts: list[str]) -> str:
    """What the evaluated agent is told (appended to its instructions)."""
    return (
        "This harness provides helper scripts in the workspace: "
        + ", ".join(scripts)
        + ". Run one with the run tool, e.g. python "
        + scripts[0]
        + "."
    )


def _collisions(task: Task, scripts: list[str]) -> list[str]:
    return [s for s in scripts if (task.workspace / s).exists() or task.is_protected(s)]


def tasks_with_scripts(
    split: SplitSpec, suite: str, harness: Path, scripts: list[str], dest: Path
) -> Path:
    """Copy ``split``'s tasks of ``suite`` into ``dest`` with the scripts in each workspace.

    Returns ``dest``, a suite folder; raises ``InputError`` on a collision.
    """
    tasks = [t for t in load_suite(suite) if t.id in split.tasks]
    for task in tasks:
        clash = _collisions(task, scripts)
        if clash:
            raise InputError.single(
                harness / SCRIPTS_DIR,
                clash[0],
                f"collides with a file of task {task.id!r} (a workspace file or one it protects)",
                "rename the script",
            )
    for task in tasks:
        copy = dest / task.root.name
        shutil.copytree(task.root, copy, symlinks=True)
        for rel in scripts:
            (copy / "workspace" / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(harness / rel, copy / "workspace" / rel)
    return dest
