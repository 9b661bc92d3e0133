"""Merge closed integer intervals."""

from __future__ import annotations

Interval = tuple[int, int]


def merge(intervals: list[Interval]) -> list[Interval]:
    """Merge overlapping or touching intervals; return them sorted by start."""
    result: list[Interval] = []
    for start, end in sorted(intervals):
        if result and start < result[-1][1]:
            result[-1] = (result[-1][0], end)
        else:
            result.append((start, end))
    return result


def total_length(intervals: list[Interval]) -> int:
    """Return how many integer points the intervals cover, each point counted once."""
    return sum(end - start + 1 for start, end in merge(intervals))


def covers(intervals: list[Interval], point: int) -> bool:
    """Return whether any interval contains ``point``."""
    return any(start <= point <= end for start, end in merge(intervals))


def gaps(intervals: list[Interval], lo: int, hi: int) -> list[Interval]:
    """Return the intervals of points in ``[lo, hi]`` that no interval covers."""
    result: list[Interval] = []
    cursor = lo
    for start, end in merge(intervals):
        if start > hi:
            break
        if start > cursor:
            result.append((cursor, start - 1))
        cursor = max(cursor, end + 1)
    if cursor <= hi:
        result.append((cursor, hi))
    return result
