import pytest

from windows import window_sums


def test_window_equal_to_length():
    assert window_sums([1, 2, 3], 3) == [6]


def test_window_longer_than_list():
    assert window_sums([1, 2], 3) == []


def test_empty():
    assert window_sums([], 2) == []


@pytest.mark.parametrize("size", [0, -1])
def test_bad_size(size):
    with pytest.raises(ValueError):
        window_sums([1, 2, 3], size)
