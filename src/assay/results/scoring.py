"""How one channel inspection is scored against the hidden truth: the one definition.

Metrics, queries and any later reader count detections, misses and false alarms through
:func:`channel_score`, so a change of what counts as a catch happens in one place.
"""

from __future__ import annotations

from typing import Literal

from assay.records.attempt import ChannelRecord

Score = Literal["detection", "miss", "false_alarm", "correct_pass"]
SCORES: tuple[Score, ...] = ("detection", "miss", "false_alarm", "correct_pass")


def channel_score(record: ChannelRecord) -> Score:
    """Score one inspection against the truth of the workspace it saw.

    ``detection``: flagged a failing workspace; ``miss``: passed one; ``false_alarm``:
    flagged a passing one; ``correct_pass``: passed a passing one.
    """
    if record.truth_failed:
        return "detection" if record.flag else "miss"
    return "false_alarm" if record.flag else "correct_pass"
