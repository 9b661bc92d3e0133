import threading
from contextlib import suppress

import pytest

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
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results


class Meeting:
    """A hook that records its calls and waits briefly for the other threads."""

    def __init__(self, parties):
        self.barrier = threading.Barrier(parties)
        self.calls = 0
        self._count_lock = threading.Lock()

    def __call__(self):
        with self._count_lock:
            self.calls += 1
        with suppress(threading.BrokenBarrierError):
            self.barrier.wait(timeout=0.1)


def test_three_threads_two_units():
    hook = Meeting(3)
    inventory = Inventory({"bolt": 2}, on_check=hook)
    results = run_in_threads(3, lambda i: inventory.reserve("bolt"))
    assert sorted(results) == [False, True, True]
    assert inventory.available("bolt") == 0
    assert hook.calls == 2


def test_bulk_reservations_do_not_oversell():
    hook = Meeting(2)
    inventory = Inventory({"bolt": 5}, on_check=hook)
    results = run_in_threads(2, lambda i: inventory.reserve("bolt", 3))
    assert sorted(results) == [False, True]
    assert inventory.available("bolt") == 2


def test_different_items_both_succeed():
    inventory = Inventory({"a": 1, "b": 1})
    results = run_in_threads(2, lambda i: inventory.reserve("ab"[i]))
    assert results == [True, True]
    assert inventory.available("a") == inventory.available("b") == 0


def test_many_threads_exact_total():
    inventory = Inventory({"nut": 150})

    def grab(_):
        return sum(inventory.reserve("nut") for _ in range(50))

    results = run_in_threads(6, grab)
    assert sum(results) == 150
    assert inventory.available("nut") == 0


def test_release_and_reserve_concurrently():
    inventory = Inventory({"nut": 0})

    def work(index):
        if index % 2:
            for _ in range(200):
                inventory.release("nut")
            return 0
        return sum(inventory.reserve("nut") for _ in range(300))

    results = run_in_threads(4, work)
    assert inventory.available("nut") == 400 - sum(results)
    assert inventory.available("nut") >= 0


def test_hook_not_called_when_check_fails():
    calls = []
    inventory = Inventory({"gear": 1}, on_check=lambda: calls.append(1))
    assert inventory.reserve("gear", 2) is False
    assert inventory.reserve("missing") is False
    assert calls == []
    assert inventory.reserve("gear") is True
    assert calls == [1]


def test_returns_plain_bool():
    inventory = Inventory({"gear": 1})
    assert type(inventory.reserve("gear")) is bool
    assert type(inventory.reserve("gear")) is bool


@pytest.mark.parametrize("n", [0, -2])
def test_bad_amounts(n):
    inventory = Inventory({"gear": 1})
    with pytest.raises(ValueError):
        inventory.reserve("gear", n)
    with pytest.raises(ValueError):
        inventory.release("gear", n)
    assert inventory.available("gear") == 1


def test_constructor_copies_stock():
    stock = {"gear": 3}
    inventory = Inventory(stock)
    inventory.reserve("gear")
    assert stock == {"gear": 3}


def test_unknown_item_has_no_stock_and_release_creates_it():
    inv = Inventory({"apple": 1})
    assert inv.available("pear") == 0
    inv.release("pear", 2)
    assert inv.available("pear") == 2
