import pytest

from runstats import RunningStats


def stats_of(values):
    stats = RunningStats()
    for value in values:
        stats.push(value)
    return stats


def test_sample_variance():
    stats = stats_of([2, 4, 4, 4, 5, 5, 7, 9])
    assert stats.mean == pytest.approx(5.0)
    assert stats.variance == pytest.approx(32 / 7)


def test_stdev():
    assert stats_of([1.0, 3.0]).stdev == pytest.approx(2**0.5)


def test_too_few_values():
    with pytest.raises(ValueError):
        _ = stats_of([1.0]).variance
