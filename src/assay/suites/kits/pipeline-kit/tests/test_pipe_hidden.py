import pytest

from pipe_cancel import Cancelled, CancelToken
from pipe_queue import BoundedQueue
from pipe_run import run
from pipe_stage import Stage


def test_capacity_one_refuses_second():
    q = BoundedQueue(1)
    assert q.try_put("a")
    assert not q.try_put("b")


def test_cancelled_before_start():
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        run([1, 2], [Stage(str)], token=token)


def test_stage_error_reraised():
    def boom(x):
        if x == 3:
            raise KeyError(x)
        return x

    with pytest.raises(KeyError):
        run(range(50), [Stage(boom), Stage(abs)], capacity=1)


def test_cancel_in_last_stage_of_three():
    token = CancelToken()

    def last(x):
        if x == 7:
            token.cancel()
        return x

    with pytest.raises(Cancelled):
        run(range(1000), [Stage(abs), Stage(abs), Stage(last)], capacity=3, token=token)
