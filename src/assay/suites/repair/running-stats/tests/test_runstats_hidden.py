import random
import statistics

import pytest

from runstats import RunningStats


def stats_of(values):
    stats = RunningStats()
    for value in values:
        stats.push(value)
    return stats


def test_large_offset_is_accurate():
    values = [1e9 + v for v in (4, 7, 13, 16)]
    stats = stats_of(values)
    assert stats.mean == pytest.approx(1e9 + 10, rel=1e-12)
    assert stats.variance == pytest.approx(30.0, rel=1e-6)


def test_constant_stream_has_zero_variance():
    stats = stats_of([1e9 + 0.1] * 10)
    assert 0.0 <= stats.variance < 1e-6
    assert stats.stdev < 1e-3


def test_matches_statistics_module():
    rng = random.Random(7)
    values = [rng.gauss(1e6, 3.0) for _ in range(500)]
    stats = stats_of(values)
    assert stats.mean == pytest.approx(statistics.fmean(values), rel=1e-12)
    assert stats.variance == pytest.approx(statistics.variance(values), rel=1e-6)


def test_merge_equals_one_stream():
    rng = random.Random(11)
    left = [rng.uniform(1e8, 1e8 + 5) for _ in range(40)]
    right = [rng.uniform(1e8 + 3, 1e8 + 9) for _ in range(25)]
    merged = stats_of(left).merge(stats_of(right))
    assert merged.n == 65
    assert merged.mean == pytest.approx(statistics.fmean(left + right), rel=1e-12)
    assert merged.variance == pytest.approx(statistics.variance(left + right), rel=1e-6)


def test_merge_does_not_modify_inputs():
    first, second = stats_of([1.0, 2.0, 3.0]), stats_of([10.0, 20.0])
    first.merge(second)
    assert (first.n, first.mean, first.variance) == (3, 2.0, 1.0)
    assert (second.n, second.mean, second.variance) == (2, 15.0, 50.0)


def test_merge_with_empty():
    stats = stats_of([1.0, 5.0])
    for merged in (stats.merge(RunningStats()), RunningStats().merge(stats)):
        assert merged.n == 2
        assert merged.mean == pytest.approx(3.0)
        assert merged.variance == pytest.approx(8.0)
    assert RunningStats().merge(RunningStats()).n == 0


def test_results_are_floats():
    stats = stats_of([1, 2, 3, 4])
    assert type(stats.mean) is float
    assert type(stats.variance) is float
    assert type(stats.stdev) is float
    assert stats.variance == pytest.approx(5 / 3)


def test_empty_and_single():
    with pytest.raises(ValueError):
        _ = RunningStats().mean
    single = stats_of([4.0])
    assert single.mean == 4.0
    with pytest.raises(ValueError):
        _ = single.variance
    with pytest.raises(ValueError):
        _ = single.stdev
