"""What both importers share: test module text, example validation, the import report."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assay.importers.writer import TaskDraft, write_task
from assay.tasks.load import Task
from assay.verify.function.executor import FunctionPool, Job

TIMEOUT_S = 15.0
MEMORY_MB = 1024


class ImportedTask(BaseModel):
    """What the import made of one record."""

    model_config = ConfigDict(extra="forbid")

    id: str
    source_id: str
    line: int
    public_examples: int
    dropped_examples: list[str]
    """Examples the reference solution does not satisfy (left out of the public test)."""
    smoke_test_only: bool
    runner: str = "function"
    """``function``, or ``pytest`` where the inputs could not be taken from the tests."""
    base_inputs: int = 0
    plus_inputs: int = 0
    problem: str = ""
    """Why the reference's outputs could not be computed ('' when they were)."""


class ImportReport(BaseModel):
    """The result of one import: where from, where to, and every task written."""

    model_config = ConfigDict(extra="forbid")

    dataset: str
    source: str
    out: str
    tasks: list[ImportedTask]


@contextmanager
def dataset_code() -> Iterator[None]:
    """Parse data-set code quietly: much of it has escapes that newer Pythons warn about."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        yield


def examples_module(doc: str, prelude: str, asserts: Sequence[str], smoke: str) -> str:
    """A test module with one ``test_example_N`` per assert, or the smoke test if none."""
    parts = [f'"""{doc}"""\n', prelude] if prelude else [f'"""{doc}"""\n']
    for i, statement in enumerate(asserts, start=1):
        parts.append(f"\ndef test_example_{i}():\n    {statement}\n")
    if not asserts:
        parts.append(f"\ndef test_entry_point_is_defined():\n    assert callable({smoke})\n")
    return "\n".join(parts)


@dataclass(frozen=True)
class ExampleCheck:
    """Candidate public examples of one task and the reference program to run them on."""

    task_id: str
    solution: str
    prelude: str
    asserts: list[str]


def passing_examples(
    checks: Sequence[ExampleCheck], pool: FunctionPool | None = None
) -> list[list[int]]:
    """For each task, the indices of the examples its reference solution satisfies.

    Each example runs after the reference module in the function sandbox (on ``pool`` or
    on a pool started for the call), never in assay's process.
    """
    if pool is None:
        with FunctionPool() as own:
            return passing_examples(checks, own)
    jobs = [
        Job(
            source=c.solution,
            entry="",
            inputs=[None] * len(c.asserts),
            limits_s=[TIMEOUT_S] * len(c.asserts),
            memory_mb=MEMORY_MB,
            snippets=[f"{c.prelude}\n{a}\n" for a in c.asserts],
        )
        for c in checks
    ]
    return [
        [i for i, ans in enumerate(run.answers) if ans.kind == "value"] for run in pool.run(jobs)
    ]


def write_all(drafts: Sequence[TaskDraft], out: Path) -> list[Task]:
    """Write every draft (each is loaded back, so a malformed one fails here)."""
    out.mkdir(parents=True, exist_ok=True)
    return [write_task(draft, out) for draft in drafts]
