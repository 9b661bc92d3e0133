from windows import window_sums


def test_three_windows():
    assert window_sums([1, 2, 3, 4], 2) == [3, 5, 7]


def test_single_item_windows():
    assert window_sums([5, 6], 1) == [5, 6]
