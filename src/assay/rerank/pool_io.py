"""Writing and reading pool folders (see :mod:`assay.records.pool` for the layout).

Writing is all-or-nothing per file (atomic replace) and ends with the artifact index, so a
pool either verifies with ``assay artifacts verify`` or is visibly incomplete. Reading
validates every line and names the file, the line and the field of anything wrong.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from assay.errors import InputError
from assay.records.canonical import dumps
from assay.records.pool import (
    POOL_CANDIDATES,
    POOL_DROPPED,
    POOL_INFO,
    DroppedProblem,
    PoolCandidate,
    PoolInfo,
)
from assay.release.artifacts import write_artifacts
from assay.store.atomic import write_atomic

_M = TypeVar("_M", bound=BaseModel)


def code_sha256(code: str) -> str:
    """The sha256 of a candidate's source (UTF-8), as pool records carry it."""
    return hashlib.sha256(code.encode()).hexdigest()


@dataclass(frozen=True)
class Pool:
    """A pool read from disk: its description, candidates grouped by problem, dropped list."""

    folder: Path
    info: PoolInfo
    problems: dict[tuple[str, str], list[PoolCandidate]]
    """(benchmark, problem) → its candidates in pool order (the shuffled order)."""
    dropped: list[DroppedProblem]

    @property
    def candidates(self) -> list[PoolCandidate]:
        """Every candidate, in file order."""
        return [c for group in self.problems.values() for c in group]


def write_pool(
    folder: Path,
    info: PoolInfo,
    candidates: Sequence[PoolCandidate],
    dropped: Sequence[DroppedProblem],
) -> Path:
    """Write a pool folder and its artifact index; return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(folder / POOL_CANDIDATES, "".join(dumps(c) + "\n" for c in candidates))
    write_atomic(folder / POOL_DROPPED, "".join(dumps(d) + "\n" for d in dropped))
    write_atomic(folder / POOL_INFO, dumps(info, indent=2) + "\n")
    write_artifacts(folder)
    return folder


def _lines(path: Path, model: type[_M]) -> list[_M]:
    out: list[_M] = []
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(
            path, "", "missing", "build the pool with `assay pool build`"
        ) from None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(model.model_validate(json.loads(line)))
        except json.JSONDecodeError as exc:
            raise InputError.single(
                path, f"line {n}", f"not JSON: {exc.msg}", "rebuild the pool"
            ) from None
        except ValidationError as exc:
            raise InputError.from_validation(
                exc, path, fix="rebuild the pool", where=f"line {n}"
            ) from None
    return out


def read_pool(folder: Path) -> Pool:
    """Read and validate a pool folder (InputError naming file, line and field if bad)."""
    info_path = folder / POOL_INFO
    try:
        info = PoolInfo.model_validate_json(info_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError.single(
            info_path, "", "not a pool folder (no pool.json)", "build one with `assay pool build`"
        ) from None
    except ValidationError as exc:
        raise InputError.from_validation(exc, info_path, fix="rebuild the pool") from None
    problems: dict[tuple[str, str], list[PoolCandidate]] = {}
    seen: set[tuple[str, str, str]] = set()
    for c in _lines(folder / POOL_CANDIDATES, PoolCandidate):
        key = (c.benchmark, c.problem, c.candidate)
        if key in seen:
            raise InputError.single(
                folder / POOL_CANDIDATES,
                "candidate",
                f"{c.benchmark}/{c.problem}/{c.candidate} appears twice",
                "rebuild the pool",
            )
        if code_sha256(c.code) != c.code_sha256:
            raise InputError.single(
                folder / POOL_CANDIDATES,
                "code_sha256",
                f"{c.benchmark}/{c.problem}/{c.candidate}: the code does not match its hash",
                "rebuild the pool; do not edit candidates by hand",
            )
        seen.add(key)
        problems.setdefault((c.benchmark, c.problem), []).append(c)
    return Pool(folder, info, problems, _lines(folder / POOL_DROPPED, DroppedProblem))
