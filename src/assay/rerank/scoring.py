"""Running a scorer over a pool: task folders found, each problem scored, bad output named."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from assay.errors import InputError
from assay.rerank.pool_io import Pool
from assay.rerank.scorers.protocol import ProblemContext, Scorer, Scores
from assay.tasks.load import Task, load_task


@dataclass
class TaskFinder:
    """Finds a problem's task folder in the given suite folders (folder name, then task id)."""

    suites: Sequence[Path]
    _index: dict[str, Task] | None = field(default=None, init=False)

    def find(self, problem: str) -> Task | None:
        """The task of ``problem``, or None when no suite folder holds it."""
        for suite in self.suites:
            if (suite / problem / "task.toml").is_file():
                return load_task(suite / problem)
        if self._index is None:
            self._index = {}
            for suite in self.suites:
                for folder in sorted(p for p in suite.iterdir() if (p / "task.toml").is_file()):
                    task = load_task(folder)
                    self._index.setdefault(task.id, task)
        return self._index.get(problem)


def default_suites(pool: Pool, given: Sequence[Path]) -> list[Path]:
    """The suite folders to look for tasks in: those given, else the pool's source folder."""
    if given:
        missing = [p for p in given if not p.is_dir()]
        if missing:
            raise InputError.single(missing[0], "--suite", "not a folder", "give a suite folder")
        return list(given)
    source = Path(pool.info.source)
    if not source.is_absolute():
        source = pool.folder / source
    return [source] if source.is_dir() else []


def score_pool(
    pool: Pool, scorer: Scorer, seed: int, finder: TaskFinder
) -> dict[tuple[str, str], Scores]:
    """Every problem's scores under ``seed``; a scorer that fails or misbehaves is bad input."""
    out: dict[tuple[str, str], Scores] = {}
    for (benchmark, problem), candidates in pool.problems.items():
        context = ProblemContext(benchmark, problem, seed, finder.find(problem))
        try:
            got = scorer.score(candidates, context)
            if not isinstance(got, Scores):
                raise ValueError(f"returned {type(got).__name__}, not Scores")
            out[(benchmark, problem)] = got.check(len(candidates), scorer.name)
        except InputError:
            raise
        except Exception as exc:
            raise InputError.single(
                "--scorer",
                scorer.name,
                f"failed on {benchmark}/{problem}: {type(exc).__name__}: {exc}",
                "fix the scorer so it returns one finite score per candidate",
            ) from None
    return out
