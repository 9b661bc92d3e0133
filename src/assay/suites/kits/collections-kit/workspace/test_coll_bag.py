from coll_bag import Bag


def test_counts():
    b = Bag("abca")
    assert (b.count("a"), b.count("z"), len(b)) == (2, 0, 4)
    b.discard("a")
    b.discard("a")
    assert b.count("a") == 0
