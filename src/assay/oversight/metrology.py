"""How well a channel's flags agree with the ground truth of the hidden verification."""

from __future__ import annotations

from typing import TypedDict


class Confusion(TypedDict):
    """Counts of a channel's flags against the truth (a failed hidden verification)."""

    detections: int
    """Flagged, and the hidden verification failed."""
    misses: int
    """Passed, yet the hidden verification failed."""
    false_alarms: int
    """Flagged, yet the hidden verification passed."""
    correct_passes: int
    """Passed, and the hidden verification passed."""


def confusion(flags: list[bool], truth_failed: list[bool]) -> Confusion:
    """Count detections, misses, false alarms and correct passes over paired inspections."""
    if len(flags) != len(truth_failed):
        raise ValueError(
            f"{len(flags)} flags but {len(truth_failed)} truths: each flag needs its truth"
        )
    pairs = list(zip(flags, truth_failed, strict=True))
    return Confusion(
        detections=sum(f and t for f, t in pairs),
        misses=sum(not f and t for f, t in pairs),
        false_alarms=sum(f and not t for f, t in pairs),
        correct_passes=sum(not f and not t for f, t in pairs),
    )
