"""One scoring of channel inspections against the hidden truth, shared by metrics and queries."""

from __future__ import annotations

from assay.records.attempt import ChannelRecord
from assay.results.metrics import ChannelCounts
from assay.results.scoring import SCORES, channel_score


def _rec(flag: bool, truth_failed: bool) -> ChannelRecord:
    return ChannelRecord(
        round=0, channel="lint", flag=flag, cost=1.0, findings=[], truth_failed=truth_failed
    )


def test_each_cell_of_the_confusion_table():
    assert channel_score(_rec(True, True)) == "detection"
    assert channel_score(_rec(False, True)) == "miss"
    assert channel_score(_rec(True, False)) == "false_alarm"
    assert channel_score(_rec(False, False)) == "correct_pass"


def test_counts_and_rates_follow_the_scores():
    flags = [True, True, False, False, True, False]
    truth = [True, False, True, False, True, False]
    counts = ChannelCounts()
    for f, t in zip(flags, truth, strict=True):
        counts.add(channel_score(_rec(f, t)))
    assert (counts.detections, counts.misses, counts.false_alarms, counts.correct_passes) == (
        2,
        1,
        1,
        2,
    )
    assert counts.detection_rate == 2 / 3
    assert counts.false_alarm_rate == 1 / 3
    assert ChannelCounts().detection_rate is None  # no failing workspace seen: not 0
    assert set(SCORES) == {"detection", "miss", "false_alarm", "correct_pass"}
