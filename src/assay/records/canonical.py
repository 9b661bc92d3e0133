"""The one JSON encoding of assay records and the one digest over it.

Sorted keys; NaN and infinities are forbidden.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import BaseModel


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Serialize a record (a pydantic model or plain data) to canonical JSON."""
    data = obj.model_dump(mode="json", by_alias=True) if isinstance(obj, BaseModel) else obj
    return json.dumps(data, sort_keys=True, allow_nan=False, indent=indent, ensure_ascii=False)


def digest(obj: Any) -> str:
    """Return the sha256 of the canonical JSON of a record or of plain data.

    The manifest digest a run is started with and the digest every reader recomputes are
    both this function: integrity code that must never disagree lives once.
    """
    return hashlib.sha256(dumps(obj).encode()).hexdigest()
