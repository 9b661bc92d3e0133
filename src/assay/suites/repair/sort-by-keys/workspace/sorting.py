"""Sort dict rows by a spec of keys such as ``"team,-score"``."""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]


def parse_spec(spec: str) -> list[tuple[str, bool]]:
    """Parse ``"name,-age"`` into ``[("name", False), ("age", True)]``; True = descending."""
    keys: list[tuple[str, bool]] = []
    for part in spec.split(","):
        part = part.strip()
        descending = part.startswith("-")
        name = part[1:] if descending else part
        if not name:
            raise ValueError(f"empty sort key in {spec!r}")
        keys.append((name, descending))
    return keys


def sort_rows(rows: list[Row], spec: str) -> list[Row]:
    """Return the rows sorted by the keys of ``spec``, the first key first.

    The sort is stable. Rows lacking a key sort after the rows that have it.
    """
    result = list(rows)
    for name, descending in parse_spec(spec):
        result.sort(key=lambda row: row[name], reverse=descending)
    return result
