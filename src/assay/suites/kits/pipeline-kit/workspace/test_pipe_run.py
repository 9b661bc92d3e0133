import pytest

from pipe_cancel import Cancelled, CancelToken
from pipe_run import run
from pipe_stage import Stage


def test_order_kept():
    stages = [Stage(lambda x: x + 1), Stage(lambda x: x * 10)]
    assert run(range(20), stages, capacity=1) == [(i + 1) * 10 for i in range(20)]


def test_cancel_during_run():
    token = CancelToken()

    def watch(x):
        if x == 5:
            token.cancel()
        return x

    with pytest.raises(Cancelled):
        run(range(100), [Stage(watch), Stage(str)], token=token)
