from coll_ring import Ring


def test_drops_oldest():
    r = Ring(3)
    for i in range(5):
        r.push(i)
    assert r.items() == [2, 3, 4]
