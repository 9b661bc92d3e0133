"""What both importers share: test module text, example validation, the import report."""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from assay.importers.writer import PUBLIC_TEST, TaskDraft, write_task
from assay.verify.warm.jobs import FunctionJob, ModuleSource
from assay.verify.warm.pool import WarmPool

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
    checks: Sequence[ExampleCheck], pool: WarmPool | None = None
) -> list[list[int]]:
    """For each task, the indices of the examples its reference solution satisfies.

    They run in the sandbox, on ``pool`` or on a pool started for the call.
    """
    jobs = [
        FunctionJob(
            id=c.task_id,
            files={"solution.py": c.solution},
            tests=[
                ModuleSource(
                    path=PUBLIC_TEST,
                    source=examples_module("examples", c.prelude, c.asserts, "None"),
                    suite="public",
                )
            ],
            timeout_s=TIMEOUT_S,
            memory_mb=MEMORY_MB,
        )
        for c in checks
        if c.asserts
    ]
    if pool is None:
        with WarmPool() as own:
            return passing_examples(checks, own)
    verdicts = iter(pool.verify(jobs))
    kept: list[list[int]] = []
    for c in checks:
        if not c.asserts:
            kept.append([])
            continue
        outcomes = {t.id: t.outcome for t in next(verdicts).verdict.tests}
        kept.append(
            [
                i
                for i in range(len(c.asserts))
                if outcomes.get(f"{PUBLIC_TEST}::test_example_{i + 1}") == "passed"
            ]
        )
    return kept


def write_all(drafts: Sequence[TaskDraft], out: Path) -> None:
    """Write every draft (each is loaded back, so a malformed one fails here)."""
    out.mkdir(parents=True, exist_ok=True)
    for draft in drafts:
        write_task(draft, out)
