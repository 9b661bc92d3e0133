"""Confusion counts: a channel's flags scored against the hidden verification."""

from __future__ import annotations

import pytest

from assay.oversight.metrology import confusion


def test_confusion_counts_each_cell():
    flags = [True, True, False, False, True, False]
    truth = [True, False, True, False, True, False]
    assert confusion(flags, truth) == {
        "detections": 2,
        "misses": 1,
        "false_alarms": 1,
        "correct_passes": 2,
    }


def test_confusion_edge_cases():
    assert confusion([], []) == {
        "detections": 0,
        "misses": 0,
        "false_alarms": 0,
        "correct_passes": 0,
    }
    # A channel that flags everything detects every failure and alarms on every success.
    assert confusion([True] * 3, [True, False, False]) == {
        "detections": 1,
        "misses": 0,
        "false_alarms": 2,
        "correct_passes": 0,
    }
    with pytest.raises(ValueError, match="each flag needs its truth"):
        confusion([True], [True, False])
