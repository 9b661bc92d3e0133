from pipe_cancel import CancelToken


def test_token():
    t = CancelToken()
    assert not t.cancelled
    t.cancel()
    assert t.cancelled
