"""Reading the model layer's input files (scripts, price tables) with InputErrors that help."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from assay.errors import InputError

M = TypeVar("M", bound=BaseModel)


def read_mapping(path: Path) -> dict[str, Any]:
    """Parse a ``.json`` or ``.toml`` file holding one object."""
    if not path.is_file():
        raise InputError.single(path, "", "no such file", "check the path")
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml"):
        raise InputError.single(
            path, "", f"unsupported file type {suffix!r}", "use a .json or .toml file"
        )
    try:
        text = path.read_text(encoding="utf-8")
        data: object = tomllib.loads(text) if suffix == ".toml" else json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        # tomllib.TOMLDecodeError and json.JSONDecodeError are both ValueErrors.
        raise InputError.single(path, "", f"cannot parse: {exc}", "fix the syntax") from None
    if not isinstance(data, dict):
        raise InputError.single(path, "", "the top level is not an object", "wrap it in {...}")
    return data


def validate(schema: type[M], data: dict[str, Any], source: str | Path) -> M:
    """Validate ``data`` against ``schema``; every problem becomes part of one InputError."""
    try:
        return schema.model_validate(data)
    except ValidationError as exc:
        raise InputError.from_validation(
            exc, source, fix="see the schema in the docstring of " + schema.__module__, top=""
        ) from None
