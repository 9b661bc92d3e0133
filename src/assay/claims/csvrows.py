"""Attempt rows from a CSV file with columns task, arm, attempt, value and optional labels.

``value`` is a number, or ``error`` / ``timeout`` for an attempt that produced none (it
counts as a failure). Optional columns label each row for claims that filter or expand
(``where``, ``per``): ``cluster``, ``suite``, ``seed`` (an integer from 1), ``agent``,
``model`` and ``tags`` (separated by ``;``). Every malformed row is an
:class:`~assay.errors.InputError` naming the file, the line and the column.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

from assay.claims.data import Row
from assay.errors import InputError

REQUIRED = ("task", "arm", "attempt", "value")
OPTIONAL = ("cluster", "suite", "seed", "agent", "model", "tags")
TAG_SEPARATOR = ";"
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


def _label(record: dict[str, str], column: str) -> str | None:
    return record.get(column, "").strip() or None


def _tags(record: dict[str, str]) -> tuple[str, ...]:
    return tuple(t.strip() for t in record["tags"].split(TAG_SEPARATOR) if t.strip())


def _seed(path: Path, line: int, record: dict[str, str]) -> int:
    text = record["seed"].strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise InputError.single(
            path,
            f"line {line}, column seed",
            f"{text!r} is not a seed",
            "write the seed as a whole number from 1",
        )
    return int(text)


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
            "the first line must name task, arm, attempt, value and optionally cluster, suite,"
            " seed, agent, model and tags, each once",
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
        rows.append(
            Row(
                task=record["task"].strip(),
                arm=record["arm"].strip(),
                attempt=record["attempt"].strip(),
                value=_value(path, line, record["value"]),
                cluster=_label(record, "cluster"),
                suite=_label(record, "suite"),
                seed=_seed(path, line, record) if "seed" in header else None,
                agent=_label(record, "agent"),
                model=_label(record, "model"),
                tags=_tags(record) if "tags" in header else None,
            )
        )
    if not rows:
        raise InputError.single(path, "", "no data rows", "add one row per attempt")
    return rows
