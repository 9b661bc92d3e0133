"""The one JSON encoding of assay records: sorted keys, NaN and infinities forbidden."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """Serialize a record (a pydantic model or plain data) to canonical JSON."""
    data = obj.model_dump(mode="json", by_alias=True) if isinstance(obj, BaseModel) else obj
    return json.dumps(data, sort_keys=True, allow_nan=False, indent=indent, ensure_ascii=False)
