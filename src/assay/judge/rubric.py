"""The judge's rubric (``assay.rubric.v1``): a versioned TOML file of weighted dimensions.

A rubric names its dimensions, each with a weight and a description the judge reads, and
a score scale. Weights must sum to 1, so the weighted total lies on the scale. Shipped
rubrics live in ``judge/rubrics/NAME@VERSION.toml`` (``code-quality@1`` is the default);
``--rubric`` takes such a name or the path of a TOML file.
"""

from __future__ import annotations

import math
import tomllib
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay.errors import InputError
from assay.records.canonical import digest

RUBRIC_SCHEMA: Final = "assay.rubric.v1"
DEFAULT_RUBRIC: Final = "code-quality@1"
SHIPPED: Final = Path(__file__).parent / "rubrics"
WEIGHT_TOLERANCE: Final = 1e-6


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scale(_Strict):
    """The range of every score (inclusive)."""

    min: float
    max: float

    @model_validator(mode="after")
    def _ordered(self) -> Scale:
        if not (math.isfinite(self.min) and math.isfinite(self.max) and self.min < self.max):
            raise ValueError("scale needs finite min < max")
        return self


class Dimension(_Strict):
    """One thing the judge scores, with its weight in the total."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)
    weight: float = Field(gt=0, le=1)
    description: str = Field(min_length=1)


class Rubric(_Strict):
    """A validated rubric."""

    schema_id: Literal["assay.rubric.v1"] = Field(alias="schema")
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    version: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    scale: Scale
    instructions: str = ""
    dimensions: list[Dimension] = Field(min_length=1)

    @model_validator(mode="after")
    def _weights(self) -> Rubric:
        ids = [d.id for d in self.dimensions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"dimension ids repeat: {sorted(i for i in ids if ids.count(i) > 1)}")
        total = math.fsum(d.weight for d in self.dimensions)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            raise ValueError(f"dimension weights sum to {total:g}, not 1")
        return self

    @property
    def label(self) -> str:
        """``NAME@VERSION``."""
        return f"{self.name}@{self.version}"

    @property
    def weights(self) -> dict[str, float]:
        """Dimension id → weight."""
        return {d.id: d.weight for d in self.dimensions}

    @property
    def sha256(self) -> str:
        """The digest of the rubric's canonical JSON."""
        return digest(self.model_dump(mode="json", by_alias=True))

    def total(self, scores: dict[str, float]) -> float:
        """The weighted total of one solution's scores (every dimension present)."""
        return math.fsum(d.weight * scores[d.id] for d in self.dimensions)


def shipped_names() -> list[str]:
    """The ``NAME@VERSION`` of every rubric assay ships."""
    return sorted(p.stem for p in SHIPPED.glob("*.toml"))


def load_rubric(given: str = DEFAULT_RUBRIC) -> Rubric:
    """Load a shipped rubric by ``NAME@VERSION`` or a rubric file by path (InputError if bad)."""
    path = Path(given)
    if not (given.endswith(".toml") or path.is_file()):
        if given not in shipped_names():
            raise InputError.single(
                "--rubric",
                given,
                "no shipped rubric of that name and version",
                f"use one of {', '.join(shipped_names())}, or the path of a rubric TOML file",
            )
        path = SHIPPED / f"{given}.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError.single(
            path, "", f"cannot read the rubric: {exc.strerror or exc}", "check the path"
        ) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single(path, "", f"not valid TOML: {exc}", "fix the file") from None
    try:
        return Rubric.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        raise InputError.single(
            path,
            where,
            err["msg"],
            f"see {SHIPPED / (DEFAULT_RUBRIC + '.toml')} for a valid {RUBRIC_SCHEMA} rubric",
        ) from None
