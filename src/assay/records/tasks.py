"""The tasks a run planned over, fixed when it started (``assay.tasks.v1``, ``tasks.json``).

A run's identity is its manifest *and* its tasks: each task's folder and the sha256 of every
file in it (``task.toml``, prompt, workspace, hidden tests, solution) are recorded before the
first attempt, so resuming from another folder finds the same tasks, and a task edited
mid-run is refused (``task_changed``) instead of mixing results from two versions of it.
The planned attempts of the run are the manifest's arms over exactly these tasks.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

TASKS_FILE: Final = "tasks.json"
TASKS_SCHEMA: Final = "assay.tasks.v1"


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class SuiteEntry(_Record):
    """A suite as the manifest names it, and the folder it resolved to at start."""

    given: str
    folder: str
    """Absolute path of the suite's folder when the run started."""


class TaskEntry(_Record):
    """One task of the run: where it was and what it held when the run started."""

    id: str
    folder: str
    """Absolute path of the task folder when the run started."""
    digest: str
    """sha256 over ``files`` (paths and digests, in path order)."""
    files: dict[str, str]
    """Every file of the task folder (POSIX path relative to it) → its sha256."""
    suite: str | None = Field(default=None, exclude_if=lambda v: v is None)
    """The suite it came from, as the manifest names it (claims' ``where.suite``, ``per``);
    absent in runs started before it was recorded."""
    tags: tuple[str, ...] | None = Field(default=None, exclude_if=lambda v: v is None)
    """The task's tags (claims' ``where.tags``); absent in runs started before them."""


class TaskList(_Record):
    """The suites and tasks of a run, in the order its attempts are planned."""

    schema_id: Literal["assay.tasks.v1"] = Field(default=TASKS_SCHEMA, alias="schema")
    suites: list[SuiteEntry]
    tasks: list[TaskEntry]

    @property
    def ids(self) -> list[str]:
        """The task ids, in plan order."""
        return [t.id for t in self.tasks]


def changed_files(before: TaskEntry, now: dict[str, str]) -> list[str]:
    """Files added, removed or changed since the run started, sorted."""
    names = set(before.files) | set(now)
    return sorted(n for n in names if before.files.get(n) != now.get(n))
