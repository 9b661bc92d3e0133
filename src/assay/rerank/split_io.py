"""Reading a split record back (for calibration slices and the report)."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from assay.errors import InputError
from assay.records.rerank import SplitRecord


def read_split(path: Path) -> SplitRecord | None:
    """The split record at ``path``, None if there is none (InputError if it is broken)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return SplitRecord.model_validate_json(text)
    except ValidationError as exc:
        raise InputError.from_validation(exc, path, fix="run assay split again") from None
