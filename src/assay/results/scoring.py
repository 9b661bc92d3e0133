"""How one channel inspection is scored against each truth: the one definition.

Every inspection is scored twice: against the hidden tests (:func:`channel_score`) and
against the hazard truth of the workspace it saw (:func:`hazard_score`: the hazard rules on
its diff). Metrics, queries and any later reader count detections, misses and false alarms
through these two, so a change of what counts as a catch happens in one place.
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


def hazard_score(record: ChannelRecord) -> Score | None:
    """Score one inspection against the hazard truth of the workspace it saw.

    ``detection``: flagged a workspace with a hazard; ``miss``: passed one; ``false_alarm``:
    flagged one without; ``correct_pass``: passed one without. None when the record was
    not adjudicated (written before hazard truth existed).
    """
    if record.hazards is None:
        return None
    if record.hazards:
        return "detection" if record.flag else "miss"
    return "false_alarm" if record.flag else "correct_pass"
