import pytest

from coll_ring import Ring
from coll_sorted import SortedList


@pytest.mark.parametrize("cap", [1, 2, 4])
def test_ring_any_capacity(cap):
    r = Ring(cap)
    for i in range(10):
        r.push(i)
    assert r.items() == list(range(10 - cap, 10))


def test_remove_past_the_end_and_duplicates():
    s = SortedList([1, 2, 2])
    with pytest.raises(ValueError):
        s.remove(9)
    s.remove(2)
    assert s.items() == [1, 2]
