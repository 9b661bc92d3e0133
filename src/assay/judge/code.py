"""What the judge is shown of a pair: the code of the attempt and of the task's reference.

Shown paths are the files the attempt changed and the files of the reference solution,
less everything that could tell the judge about the tests or the outcome: test modules and
``conftest.py`` (``oversight.diff.is_test_file``), the task's protected files (its public
tests among them) and the agent's own notes (``PROGRESS.md``). Both sides show the same
paths; a path one side does not have is shown as absent.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assay.agents.workspace import MEMORY_FILE
from assay.judge.patch import final_files
from assay.oversight.diff import IGNORED_DIRS, IGNORED_SUFFIXES, is_test_file
from assay.tasks.load import Task, list_files

MAX_FILE_CHARS = 32_000
"""A file longer than this is clipped for the judge (the lint counts see all of it)."""


@dataclass(frozen=True)
class PairCode:
    """The shown files of both sides: path → text (None: absent on that side)."""

    subject: dict[str, str | None]
    reference: dict[str, str | None]


def _hidden(task: Task, rel: str) -> bool:
    parts = rel.split("/")
    return (
        rel == MEMORY_FILE
        or is_test_file(rel)
        or task.is_protected(rel)
        or any(p in IGNORED_DIRS for p in parts)
        or rel.endswith(IGNORED_SUFFIXES)
    )


def _read(path: Path) -> str | None:
    if not path.is_file() or path.is_symlink():
        return None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def pair_code(task: Task, diff: str) -> PairCode:
    """The attempt's final code (its diff over ``workspace/``) and the reference's.

    Raises :class:`~assay.judge.patch.PatchError` when the diff does not apply.
    """
    changed = final_files(task.workspace, diff)
    solution = {rel: _read(task.solution / rel) for rel in list_files(task.solution)}
    paths = sorted(p for p in {*changed, *solution} if not _hidden(task, p))
    subject: dict[str, str | None] = {}
    reference: dict[str, str | None] = {}
    for rel in paths:
        pristine = _read(task.workspace / rel)
        subject[rel] = changed.get(rel, pristine)
        reference[rel] = solution.get(rel, pristine)
    return PairCode(subject, reference)
