"""What the fast path verifies: a candidate's files and plain test modules (``FunctionJob``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assay.sandbox.limits import Limits
from assay.verify.warm.instrument import PlainModule, inspect_module


def _check_path(path: str) -> str:
    parts = path.split("/")
    if path.startswith("/") or ".." in parts or not all(parts):
        raise ValueError(f"{path!r} must be a relative POSIX path inside the run folder")
    return path


@lru_cache(maxsize=1024)
def _plain(path: str, source: str) -> PlainModule:
    """Parsing is the parent's main cost per job; the same test module recurs across jobs."""
    return inspect_module(path, source)[0]


class ModuleSource(BaseModel):
    """A test module, run from memory in the child (the candidate cannot edit it)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: str
    """Relative path, as pytest names it in node ids (``_assay_hidden/test_hidden.py``)."""
    source: str
    suite: Literal["public", "hidden"] = "hidden"

    _valid_path = field_validator("path")(_check_path)

    def plain(self) -> PlainModule:
        """The module's plain form; raises ``NotPlainError`` when it needs pytest."""
        return _plain(self.path, self.source)


class FunctionJob(BaseModel):
    """One candidate to verify on the fast path."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    files: dict[str, str]
    """The candidate's files (relative path → text), written into a fresh run folder."""
    tests: list[ModuleSource] = Field(min_length=1)
    """Test modules, collected and run in this order (public first, as in the gate)."""
    expected_asserts: dict[str, int] | None = None
    """Asserts the reference reached, per test id (and per module path for module level);
    ``None`` runs without that check (a calibration run of the reference itself)."""
    repeats: int = Field(default=1, ge=1, le=20)
    timeout_s: float = Field(default=10.0, gt=0, le=3600)
    memory_mb: int = Field(default=1024, ge=64, le=65536)
    nproc: int = Field(default=128, ge=8, le=4096)
    scope: Literal["all", "public"] = "all"

    @field_validator("files")
    @classmethod
    def _valid_files(cls, files: dict[str, str]) -> dict[str, str]:
        for path in files:
            _check_path(path)
        return files

    @property
    def limits(self) -> Limits:
        """The rlimits of each run, as the gate sets them for the same timeout and memory."""
        return Limits(cpu_s=int(self.timeout_s) + 1, memory_mb=self.memory_mb, nproc=self.nproc)

    def plain_modules(self) -> list[PlainModule]:
        """The plain form of every test module; raises ``NotPlainError`` otherwise."""
        return [t.plain() for t in self.tests]
