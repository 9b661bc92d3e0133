"""An attempt's event lines, read as they are: a line cut mid-write (or corrupt) is skipped."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_events(path: Path) -> Iterator[dict[str, Any]]:
    """The complete event objects of one file (a missing file has none).

    Only lines ending in a newline count; each must be a JSON object whose ``data`` is an
    object, else it is left out — never repaired, never half-read.
    """
    try:
        data = path.read_bytes()
    except OSError:
        return
    for raw in data.split(b"\n")[:-1]:
        try:
            obj = json.loads(raw)
        except ValueError:
            continue
        if isinstance(obj, dict) and isinstance(obj.get("data"), dict):
            yield obj
