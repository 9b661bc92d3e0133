import threading
from contextlib import suppress

from inventory import Inventory


def run_in_threads(count, target):
    """Run ``target(index)`` in ``count`` threads; return the results by index."""
    results = [None] * count
    start = threading.Barrier(count)  # every thread begins at the same moment

    def work(index):
        start.wait(timeout=5)
        results[index] = target(index)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    return results


def meet_at(barrier):
    """A hook that waits (briefly) until every thread has passed the stock check."""

    def hook():
        # A correct reserve lets only one thread in at a time, so nobody else will come.
        with suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=0.1)

    return hook


def test_last_unit_is_sold_once():
    inventory = Inventory({"widget": 1}, on_check=meet_at(threading.Barrier(2)))
    results = run_in_threads(2, lambda i: inventory.reserve("widget"))
    assert sorted(results) == [False, True]
    assert inventory.available("widget") == 0


def test_single_thread():
    inventory = Inventory({"widget": 2})
    assert inventory.reserve("widget", 2) is True
    assert inventory.reserve("widget") is False
    inventory.release("widget")
    assert inventory.available("widget") == 1
