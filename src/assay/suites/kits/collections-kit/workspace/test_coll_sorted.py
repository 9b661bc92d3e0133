import pytest

from coll_sorted import SortedList


def test_add_remove():
    s = SortedList([3, 1])
    s.add(2)
    s.remove(3)
    assert s.items() == [1, 2]


def test_remove_absent():
    s = SortedList([1, 3])
    with pytest.raises(ValueError):
        s.remove(2)
    assert s.items() == [1, 3]
