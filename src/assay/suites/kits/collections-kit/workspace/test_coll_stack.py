import pytest

from coll_stack import Stack


def test_lifo():
    s = Stack()
    s.push(1)
    s.push(2)
    assert (s.pop(), s.pop(), len(s)) == (2, 1, 0)
    with pytest.raises(IndexError):
        s.pop()
