import pytest

from intervals import covers, gaps, merge, total_length


def test_nested_interval_keeps_outer_end():
    assert merge([(1, 10), (2, 3)]) == [(1, 10)]
    assert merge([(2, 3), (1, 10), (4, 5)]) == [(1, 10)]


def test_chain_of_overlaps():
    assert merge([(1, 2), (2, 4), (3, 8), (8, 8), (10, 12)]) == [(1, 8), (10, 12)]


def test_adjacent_but_not_touching_stay_apart():
    assert merge([(1, 2), (3, 4)]) == [(1, 2), (3, 4)]


def test_points_and_duplicates():
    assert merge([(4, 4), (4, 4), (1, 1)]) == [(1, 1), (4, 4)]


def test_negative_bounds():
    assert merge([(-5, -1), (-1, 2), (-10, -8)]) == [(-10, -8), (-5, 2)]


def test_empty():
    result = merge([])
    assert type(result) is list
    assert result == []


def test_result_types():
    result = merge([(3, 4), (1, 2), (2, 3)])
    assert type(result) is list
    assert all(type(item) is tuple for item in result)
    assert result == [(1, 4)]


def test_input_not_modified():
    data = [(5, 9), (1, 3), (2, 6)]
    merge(data)
    assert data == [(5, 9), (1, 3), (2, 6)]


@pytest.mark.parametrize("bad", [[(3, 1)], [(1, 2), (5, 4)]])
def test_reversed_interval_rejected(bad):
    with pytest.raises(ValueError):
        merge(bad)


def test_total_length_nested():
    assert total_length([(1, 10), (2, 3), (10, 11)]) == 11
    assert total_length([]) == 0


def test_covers_inside_nested():
    assert covers([(1, 10), (2, 3)], 7)


def test_gaps():
    assert gaps([(3, 4), (1, 10), (12, 12)], 0, 15) == [(0, 0), (11, 11), (13, 15)]
    assert gaps([(1, 3), (3, 5)], 1, 5) == []
    assert gaps([], 2, 4) == [(2, 4)]
    assert gaps([(-5, 0), (20, 30)], 1, 19) == [(1, 19)]
    assert gaps([(0, 2), (8, 30)], 1, 9) == [(3, 7)]


def test_merge_extends_the_last_interval_not_the_first():
    assert merge([(1, 2), (5, 9), (6, 7)]) == [(1, 2), (5, 9)]


def test_covers_includes_both_ends():
    assert covers([(1, 3)], 1) and covers([(1, 3)], 3)
    assert not covers([(1, 3)], 0) and not covers([(1, 3)], 4)


def test_gaps_at_the_edge_of_the_range():
    assert gaps([(5, 6)], 0, 5) == [(0, 4)]
    assert gaps([], 3, 3) == [(3, 3)]
