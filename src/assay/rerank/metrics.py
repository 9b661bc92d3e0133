"""Ranking metrics of one problem as exact expectations over uniform tie-breaking.

A ranking is a score per candidate (higher first). Candidates with equal scores are put in
a uniformly random order, and every metric is its exact expectation over those orders —
never one random draw. With the candidates grouped by score, best group first, each group
of size g holding p passing candidates:

- pass@1 = t/|T| for the top group T holding t passing (all tied: c/m, the random baseline);
- pass@k = 1 − P(none of the first k passes): whole groups before the k-th slot contribute
  1[p = 0]; the group cut by the k-th slot, with r of its g places taken, C(g−p, r)/C(g, r);
- MRR = E[1/rank of the first passing candidate] (0 when none passes): in the first group
  with p > 0, starting after o earlier candidates, the first pass is at o + j with
  probability C(g−j, p−1)/C(g, p), j = 1 … g−p+1.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import comb


def tie_groups(scores: Sequence[float], labels: Sequence[bool]) -> list[tuple[int, int]]:
    """(size, passing) of each group of equal scores, best score first."""
    if len(scores) != len(labels):
        raise ValueError("one score per candidate")
    groups: dict[float, list[int]] = {}
    for s, y in zip(scores, labels, strict=True):
        g = groups.setdefault(s, [0, 0])
        g[0] += 1
        g[1] += int(y)
    return [(g[0], g[1]) for _, g in sorted(groups.items(), key=lambda kv: -kv[0])]


def top1(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Expected pass@1 of the top-ranked candidate: t/|T|."""
    size, passing = tie_groups(scores, labels)[0]
    return passing / size


def pass_at_k(scores: Sequence[float], labels: Sequence[bool], k: int) -> float:
    """Expected share of orders whose first ``k`` candidates hold a passing one."""
    if not 1 <= k <= len(scores):
        raise ValueError(f"pass@{k} needs 1 <= k <= {len(scores)} candidates")
    left, none_pass = k, 1.0
    for size, passing in tie_groups(scores, labels):
        take = min(left, size)
        none_pass *= comb(size - passing, take) / comb(size, take)
        left -= take
        if left == 0:
            break
    return 1.0 - none_pass


def mrr(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Expected reciprocal rank of the first passing candidate (0 if none passes)."""
    offset = 0
    for size, passing in tie_groups(scores, labels):
        if passing:
            total = comb(size, passing)
            return sum(
                comb(size - j, passing - 1) / total / (offset + j)
                for j in range(1, size - passing + 2)
            )
        offset += size
    return 0.0
