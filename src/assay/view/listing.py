"""The run page's attempt list: filtered, counted and paged in DuckDB.

Filters are parameters bound to a fixed statement (never text spliced into SQL): each is
an equality on one column, ``suite`` becomes the set of the suite's tasks, and ``success``
takes ``true``/``false``. Unknown filter names and bad values are reported, not ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from assay.view.loaded import Loaded

PAGE_SIZE: Final = 50
COLUMNS: Final = (
    "attempt_id",
    "task_id",
    "agent_id",
    "model",
    "condition",
    "seed",
    "outcome",
    "success",
    "shipped_success",
    "rounds",
    "retries",
    "oversight_cost",
    "duration_s",
)
FILTERS: Final = {
    "task": "task_id",
    "agent": "agent_id",
    "model": "model",
    "condition": "condition",
    "seed": "seed",
    "outcome": "outcome",
    "success": "success",
}
"""Filter name → the ``attempts`` column it matches (``suite`` is handled apart)."""


@dataclass(frozen=True)
class Page:
    """One page of the filtered attempt list."""

    rows: list[dict[str, Any]]
    total: int
    """Attempts matching the filters (all pages)."""
    page: int
    pages: int
    filters: dict[str, str]
    choices: dict[str, list[str]]
    """Filter name → every value it can take in this run."""
    problems: list[str]


def _clause(
    loaded: Loaded, filters: Mapping[str, str]
) -> tuple[str, list[Any], dict[str, str], list[str]]:
    where: list[str] = []
    params: list[Any] = []
    used: dict[str, str] = {}
    problems: list[str] = []
    for name, value in sorted(filters.items()):
        if value == "":
            continue
        if name == "suite":
            tasks = sorted(t for t, s in loaded.data.task_suites().items() if s == value)
            where.append("list_contains(?, task_id)")
            params.append(tasks)
        elif name == "seed":
            if not value.isdigit():
                problems.append(f"seed: {value!r} is not a whole number")
                continue
            where.append("seed = ?")
            params.append(int(value))
        elif name == "success":
            if value not in ("true", "false"):
                problems.append(f"success: {value!r} is neither true nor false")
                continue
            where.append("success = ?")
            params.append(value == "true")
        elif name in FILTERS:
            where.append(f'"{FILTERS[name]}" = ?')
            params.append(value)
        else:
            problems.append(f"{name}: not a filter (use suite, {', '.join(FILTERS)})")
            continue
        used[name] = value
    return (" WHERE " + " AND ".join(where)) if where else "", params, used, problems


def choices(loaded: Loaded) -> dict[str, list[str]]:
    """Every value each filter can take, from the run's attempts (computed once per load)."""

    def make() -> dict[str, list[str]]:
        cur = loaded.cursor()
        out: dict[str, list[str]] = {}
        for name, col in FILTERS.items():
            rows = cur.execute(f'SELECT DISTINCT "{col}" FROM attempts ORDER BY 1').fetchall()
            out[name] = [_text(r[0]) for r in rows if r[0] is not None]
        out["suite"] = sorted(set(loaded.data.task_suites().values()))
        return out

    result: dict[str, list[str]] = loaded.memo("choices", make)
    return result


def _text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def page(loaded: Loaded, filters: Mapping[str, str], number: int = 1) -> Page:
    """Page ``number`` (from 1) of the attempts matching ``filters``."""
    where, params, used, problems = _clause(loaded, filters)
    cur = loaded.cursor()
    counted = cur.execute(f"SELECT count(*) FROM attempts{where}", params).fetchone()
    total = int(counted[0]) if counted else 0
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    cur.execute(
        f"SELECT {cols} FROM attempts{where} ORDER BY attempt_id LIMIT ? OFFSET ?",
        [*params, PAGE_SIZE, (number - 1) * PAGE_SIZE],
    )
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in cur.fetchall()]
    return Page(rows, total, number, pages, used, choices(loaded), problems)
