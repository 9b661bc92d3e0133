"""pass@k: the unbiased estimator of Chen et al. (2021), in its numerically stable form."""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping
from dataclasses import dataclass

from assay.stats.proportions import check_counts
from assay.stats.result import NotEstimable


def pass_at_k(n: int, c: int, k: int) -> float:
    """Return the unbiased pass@k of one task with ``c`` correct among ``n`` samples.

    1 − C(n−c, k)/C(n, k), computed as 1 − ∏_{i=n−c+1}^{n} (1 − k/i): the binomial
    coefficients overflow floats long before realistic ``n``; the product does not.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, got {k}")
    check_counts(c, n)
    if n < k:
        raise ValueError(f"pass@{k} needs at least {k} samples, got {n}")
    if n - c < k:
        return 1.0
    return 1.0 - math.prod(1.0 - k / i for i in range(n - c + 1, n + 1))


@dataclass(frozen=True)
class PassAtK:
    """pass@k averaged over tasks, with each task's own estimate."""

    k: int
    value: float
    per_task: dict[str, float]


def mean_pass_at_k(samples: Mapping[str, tuple[int, int]], k: int) -> PassAtK | NotEstimable:
    """Return pass@k averaged over tasks given as ``{task: (samples, correct)}``.

    Refuses (``NotEstimable``, naming the tasks) when any task has fewer than ``k`` samples:
    dropping those tasks would bias the mean towards the tasks that were sampled more.
    """
    if not samples:
        return NotEstimable("no tasks")
    short = sorted(task for task, (n, _) in samples.items() if n < k)
    if short:
        return NotEstimable(
            f"pass@{k} needs at least {k} samples per task; fewer in {len(short)} task(s): "
            + ", ".join(short)
        )
    per_task = {task: pass_at_k(n, c, k) for task, (n, c) in samples.items()}
    return PassAtK(k, statistics.fmean(per_task.values()), per_task)
