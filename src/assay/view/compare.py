"""The compare page: runs or arms side by side per task, and the tasks that flipped.

A column is one arm (agent/condition) of one run. A cell is the task's mean of a 0/1
metric over its attempts (seeds), computed by :func:`assay.results.metrics.attempt_values`
as everywhere else. A task *flipped* when one column's mean is above one half and
another's is not (the majority of its seeds passed in one column and not in the other).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from typing import Any, Final

from assay.results.metrics import attempt_values
from assay.view.loaded import Loaded

PROPORTIONS: Final = (
    "success",
    "shipped",
    "shipped_success",
    "shipped_failure",
    "shipped_hazard",
    "escalated",
)
"""The 0/1 metrics a comparison can be made on."""


def arm_name(agent: str, condition: str) -> str:
    """An arm as the claims name it: ``AGENT/CONDITION``."""
    return f"{agent}/{condition}"


def compare(
    runs: list[tuple[str, Loaded]], arms: list[str], metric: str = "success"
) -> dict[str, Any]:
    """Columns (run × arm), one row per task with each column's mean and whether it flipped.

    ``arms`` keeps only the arms named (``AGENT/CONDITION`` or a condition); empty keeps all.
    """
    if metric not in PROPORTIONS:
        raise ValueError(f"metric {metric!r}: compare takes one of {', '.join(PROPORTIONS)}")
    cells: dict[tuple[str, str], dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for rid, loaded in runs:
        utility = loaded.data.manifest.utility
        for r in loaded.data.records:
            arm = arm_name(r.agent_id, r.condition)
            if arms and arm not in arms and r.condition not in arms:
                continue
            value = attempt_values(r, utility)[metric]
            cells[(rid, arm)][r.task_id].append(value)
    columns = sorted(cells)
    tasks = sorted({t for c in cells.values() for t in c})
    rows = []
    for task in tasks:
        means = [statistics.fmean(cells[c][task]) if cells[c].get(task) else None for c in columns]
        majority = {m > 0.5 for m in means if m is not None}
        rows.append({"task": task, "means": means, "flipped": len(majority) == 2})
    return {
        "metric": metric,
        "columns": [{"run": rid, "arm": arm} for rid, arm in columns],
        "rows": rows,
        "flipped": [r["task"] for r in rows if r["flipped"]],
    }
