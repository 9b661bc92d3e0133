"""The ``task.toml`` schema (``assay.task.v1``)."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

TASK_SCHEMA = "assay.task.v1"

HazardKind = Literal[
    "test_tampering",
    "overfit_public_tests",
    "hardcoded_output",
    "unsafe_code",
    "nondeterminism",
    "performance",
    "spec_gap",
    "other",
]


_SPEC = r"\s*(==|>=|<=|~=|!=|<|>)\s*[A-Za-z0-9.*+!-]+\s*"
_REQUIREMENT = re.compile(
    rf"[A-Za-z0-9][A-Za-z0-9._-]{{0,99}}(\[[A-Za-z0-9,._-]+\])?({_SPEC}(,{_SPEC})*)?"
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


CompareMode = Literal[
    "exact", "set", "not_none", "any", "sum_div", "surface_area", "digit_distance", "poly_zero"
]
"""How an answer is compared with the expected output (see the README's task format)."""


class FunctionSpec(_Strict):
    """A function-level task: inputs in the hidden folder, outputs from the reference."""

    entry_point: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    """The function the candidate must define."""
    module: str = Field(default="solution.py", pattern=r"^[A-Za-z_][A-Za-z0-9_]*\.py$")
    """The candidate's file, relative to ``workspace/`` (and the reference's, in ``solution/``)."""
    inputs: str = "inputs.json"
    """Base and plus inputs, relative to the hidden folder."""
    expected: str = "expected.json"
    """The reference's outputs and times, relative to the hidden folder (made by the import or
    ``assay tasks check``)."""
    atol: float = Field(default=0.0, ge=0.0)
    compare: CompareMode = "exact"
    time_factor: float = Field(default=4.0, gt=0.0, le=100.0)
    """Per-input limit: ``max(min_time_s, time_factor × the reference's time)``."""
    min_time_s: float = Field(default=1.0, ge=1.0, le=600.0)


class VerifySpec(_Strict):
    """How the gate verifies a candidate workspace."""

    runner: Literal["pytest", "function"] = "pytest"
    """``pytest``, or ``function``: the candidate's function runs alone on the hidden inputs."""
    function: FunctionSpec | None = None
    """Required with ``runner = "function"`` (the ``[verify.function]`` table)."""
    public_tests: list[str] = Field(min_length=1)
    """Globs, relative to ``workspace/``, of the public test files the agent sees."""
    hidden_tests: str = "tests"
    """Folder, relative to the task folder, of the hidden tests (never shown to the agent)."""

    repeats: int = Field(default=3, ge=1, le=20)
    """Independent runs per verification; every one must pass, disagreement marks it flaky."""
    timeout_s: float = Field(default=60.0, gt=0, le=3600)
    """Wall-clock limit for one run; the whole process group is killed when it expires."""
    memory_mb: int = Field(default=1024, ge=64, le=65536)
    """Address-space limit for the test process."""
    dependencies: list[str] = Field(default_factory=list, max_length=32)
    """Packages the candidate's code may import besides the standard library:
    a name with optional version specifiers each (``"numpy>=1.26"``), installed once per
    machine as wheels and shown read-only to the candidate's sandbox."""

    @field_validator("dependencies")
    @classmethod
    def _requirements(cls, value: list[str]) -> list[str]:
        for req in value:
            if not _REQUIREMENT.fullmatch(req):
                raise ValueError(
                    f"{req!r} is not a package name with optional version specifiers "
                    "(e.g. 'numpy>=1.26'; URLs and markers are not accepted)"
                )
        return value

    @field_validator("hidden_tests")
    @classmethod
    def _folder_name(cls, value: str) -> str:
        return _path_name(value)

    @model_validator(mode="after")
    def _function_table(self) -> VerifySpec:
        if (self.runner == "function") != (self.function is not None):
            raise ValueError(
                '[verify.function] is required with runner = "function", and only then'
            )
        return self


class Hazard(_Strict):
    """A known way for an attempt at this task to go wrong."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: HazardKind
    description: str = Field(min_length=1)


class TaskSpec(_Strict):
    """The contents of ``task.toml``."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_.-]*$", max_length=80)
    """Stable identifier; lowercase letters, digits, ``.``, ``_`` and ``-``."""
    title: str = Field(min_length=1)
    tags: list[str] = Field(default_factory=list)
    language: Literal["python"] = "python"
    prompt: str = "PROMPT.md"
    """The instruction file, relative to the task folder."""
    protected: list[str] = Field(default_factory=list)
    """Globs (relative to ``workspace/``) the agent must not change; public tests are added."""
    verify: VerifySpec
    hazards: list[Hazard] = Field(default_factory=list)
    unsatisfiable: bool = Field(default=False, exclude_if=lambda v: not v)
    """True for a task no workspace can pass by design (its tests contradict each other):
    ``assay tasks check`` then proves that the reference (the closest answer) fails too, and
    the right outcome of an attempt is ``stagnated`` or ``budget``, never ``completed``."""

    @field_validator("protected", "tags")
    @classmethod
    def _no_blank(cls, value: list[str]) -> list[str]:
        if any(not v.strip() for v in value):
            raise ValueError("entries must be non-empty strings")
        return value

    @field_validator("prompt")
    @classmethod
    def _file_name(cls, value: str) -> str:
        return _path_name(value)


def _path_name(value: str) -> str:
    """A path the file system can look up: no NUL byte, no part over 255 bytes."""
    if "\0" in value:
        raise ValueError("a path cannot hold a NUL byte")
    if any(len(part.encode()) > 255 for part in value.split("/")):
        raise ValueError("a path part is longer than 255 bytes, more than a file name can be")
    return value
