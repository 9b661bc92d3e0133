"""The hidden files of a function-level task: its inputs and the reference's expectations.

``inputs.json`` (written by hand or by an importer)::

    {"schema": "assay.function-inputs.v1",
     "base": [[1, 2], [{"$": "tuple", "v": [3]}, 4]],
     "plus": [...]}

Each input is the typed-JSON list of the call's positional arguments (see :mod:`.wire`).
``expected.json`` is made by running the reference solution in the sandbox (``assay tasks
check`` writes it when missing): one ``{"out": ..., "time_s": ...}`` per input, with the
hashes of the inputs and of the reference it came from, so a stale file is noticed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.errors import InputError
from assay.verify.function import wire

Suite = Literal["base", "plus"]
SUITES: tuple[Suite, ...] = ("base", "plus")
MAX_FILE_BYTES = 64 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class FunctionInputs(_Strict):
    """``inputs.json``: base inputs (the original tests') and plus inputs (generated)."""

    schema_id: Literal["assay.function-inputs.v1"] = Field(
        default="assay.function-inputs.v1", alias="schema"
    )
    base: list[list[Any]] = Field(min_length=1)
    plus: list[list[Any]] = Field(default_factory=list)

    def of(self, suite: Suite) -> list[list[Any]]:
        """The inputs of one suite."""
        return self.base if suite == "base" else self.plus

    def digest(self) -> str:
        """sha256 of the canonical JSON of the inputs."""
        text = json.dumps([self.base, self.plus], sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def decoded(self, suite: Suite) -> list[list[Any]]:
        """The argument lists as plain values (for the trusted comparison's special cases)."""
        return [list(wire.decode(x)) for x in self.of(suite)]  # type: ignore[call-overload]


class Expectation(_Strict):
    """The reference's output on one input (typed JSON) and its time there."""

    out: Any
    time_s: float = Field(ge=0.0)


class FunctionExpected(_Strict):
    """``expected.json``: what the reference answered, per suite, in input order."""

    schema_id: Literal["assay.function-expected.v1"] = Field(
        default="assay.function-expected.v1", alias="schema"
    )
    inputs_sha256: str
    reference_sha256: str
    base: list[Expectation]
    plus: list[Expectation] = Field(default_factory=list)

    def of(self, suite: Suite) -> list[Expectation]:
        """The expectations of one suite."""
        return self.base if suite == "base" else self.plus


def _read(path: Path, model: type[BaseModel]) -> Any:
    if not path.is_file() or path.is_symlink():
        raise InputError.single(path, "", "file not found", "create it (see the README)")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise InputError.single(path, "", "larger than 64 MiB", "use fewer inputs")
    try:
        return model.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise InputError.single(path, loc, first["msg"], "fix the file's content") from None


def read_inputs(path: Path) -> FunctionInputs:
    """Load and validate ``inputs.json``; every input must decode to an argument list."""
    data: FunctionInputs = _read(path, FunctionInputs)
    for suite in SUITES:
        for n, item in enumerate(data.of(suite)):
            try:
                if not isinstance(wire.decode(item), list):
                    raise wire.Unserializable("not an argument list")
            except (wire.Unserializable, RecursionError) as exc:
                raise InputError.single(
                    path, f"{suite}.{n}", str(exc), "write each input as a typed-JSON list"
                ) from None
    return data


def read_expected(path: Path) -> FunctionExpected | None:
    """Load ``expected.json``, or None when it does not exist yet."""
    if not path.exists():
        return None
    data: FunctionExpected = _read(path, FunctionExpected)
    return data


def write_json(path: Path, model: BaseModel) -> None:
    """Write a model as compact, stable JSON."""
    path.write_text(model.model_dump_json(by_alias=True) + "\n", encoding="utf-8")


def sha256_text(text: str) -> str:
    """sha256 of a text's UTF-8 bytes."""
    return hashlib.sha256(text.encode()).hexdigest()
