"""Attempt rows from a CSV file with columns task, arm, attempt, value and optional cluster.

``value`` is a number, or ``error`` / ``timeout`` for an attempt that produced none (it
counts as a failure). Every malformed row is an :class:`~assay.errors.InputError` naming
the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from assay.claims.data import Row
from assay.errors import InputError

REQUIRED = ("task", "arm", "attempt", "value")
OPTIONAL = ("cluster",)
FAILURE_TOKENS = ("error", "timeout")
"""Values that mark an attempt without a metric value; the gate counts them as failures."""


def _value(path: Path, line: int, text: str) -> float | None:
    token = text.strip()
    if token.lower() in FAILURE_TOKENS:
        return None
    try:
        value = float(token)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InputError.single(
            path,
            f"line {line}, column value",
            f"{text!r} is not a finite number",
            "write the metric as a number (1/0 for success), or 'error' / 'timeout' for an"
            " attempt that produced no value",
        )
    return value


def read_rows(path: Path) -> list[Row]:
    """Read attempt rows from ``path``; raise :class:`InputError` on any malformed row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError.single(path, "", "file not found", "check the path") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(path, "", f"cannot read: {exc}", "pass a UTF-8 CSV file") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in (*REQUIRED, *OPTIONAL)]
    if missing or unknown or len(set(header)) != len(header):
        raise InputError.single(
            path,
            "header",
            f"columns {header}: missing {missing}, unknown {unknown}",
            "the first line must name task, arm, attempt, value and optionally cluster, each once",
        )
    reader.fieldnames = header
    rows: list[Row] = []
    for record in reader:
        line = reader.line_num
        if None in record or any(v is None for v in record.values()):
            raise InputError.single(
                path,
                f"line {line}",
                f"expected {len(header)} fields",
                "give every row one field per header column (quote fields holding commas)",
            )
        for column in ("task", "arm", "attempt"):
            if not record[column].strip():
                raise InputError.single(
                    path, f"line {line}, column {column}", "empty", f"fill in the {column}"
                )
        cluster = record.get("cluster", "").strip()
        rows.append(
            Row(
                task=record["task"].strip(),
                arm=record["arm"].strip(),
                attempt=record["attempt"].strip(),
                value=_value(path, line, record["value"]),
                cluster=cluster or None,
            )
        )
    if not rows:
        raise InputError.single(path, "", "no data rows", "add one row per attempt")
    return rows
