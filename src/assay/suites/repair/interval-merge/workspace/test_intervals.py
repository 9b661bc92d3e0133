from intervals import covers, merge, total_length


def test_touching_intervals_merge():
    assert merge([(1, 3), (3, 5)]) == [(1, 5)]


def test_unsorted_input():
    assert merge([(5, 6), (1, 2)]) == [(1, 2), (5, 6)]


def test_overlap():
    assert merge([(1, 4), (2, 6), (8, 9)]) == [(1, 6), (8, 9)]


def test_total_length_counts_shared_points_once():
    assert total_length([(1, 3), (3, 5)]) == 5


def test_covers():
    assert covers([(1, 3), (7, 9)], 8)
    assert not covers([(1, 3), (7, 9)], 5)
