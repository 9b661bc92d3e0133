from pipe_queue import BoundedQueue


def test_backpressure_and_order():
    q = BoundedQueue(2)
    assert q.try_put(1) and q.try_put(2)
    assert not q.try_put(3)
    q.close()
    assert list(q) == [1, 2]
