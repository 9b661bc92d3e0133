"""What a page shows passes through the release redaction: no secret, no absolute path."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assay.release.secrets import redact


def clean(value: Any, paths: Sequence[str]) -> Any:
    """``value`` with every string in it redacted (dict keys included); ``paths`` made relative."""
    if isinstance(value, str):
        return redact(value, extra_paths=paths)
    if isinstance(value, dict):
        return {clean(k, paths): clean(v, paths) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v, paths) for v in value]
    return value


def clean_dict(value: dict[str, Any], paths: Sequence[str]) -> dict[str, Any]:
    """:func:`clean` of a dictionary."""
    return {clean(k, paths): clean(v, paths) for k, v in value.items()}
