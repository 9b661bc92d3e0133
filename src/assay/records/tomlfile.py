"""One way to read a schema'd TOML file: found, parsed, validated, or exit 2 naming the problem.

Manifests, optimization projects and matrices all load the same way; the messages name the
file, the field and the fix (``InputError``), never a traceback.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assay.errors import InputError

M = TypeVar("M", bound=BaseModel)


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """The parsed TOML of ``path``; a missing file or bad syntax is an ``InputError``."""
    if not path.is_file():
        raise InputError.single(path, "", f"{what} not found", "give the path of a .toml file")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError.single(path, "", f"not valid TOML: {exc}", "fix the syntax") from None


def validate_as(
    model: type[M],
    raw: Mapping[str, Any],
    source: str | Path,
    *,
    fix: str,
    fixes: Mapping[str, str] | None = None,
) -> M:
    """``raw`` validated as ``model``; every problem names ``source``, the field and a fix."""
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise InputError.from_validation(exc, source, fix=fix, fixes=fixes) from None
