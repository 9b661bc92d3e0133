"""Stock counts shared between threads: reserve and release units of items."""

from __future__ import annotations

import threading
from collections.abc import Callable


class Inventory:
    """Per-item stock counts, meant to be shared between threads."""

    def __init__(self, stock: dict[str, int], on_check: Callable[[], None] | None = None) -> None:
        self._stock = dict(stock)
        self._lock = threading.Lock()
        self._on_check = on_check or (lambda: None)

    def available(self, item: str) -> int:
        """Return the units of ``item`` in stock."""
        with self._lock:
            return self._stock.get(item, 0)

    def reserve(self, item: str, n: int = 1) -> bool:
        """Take ``n`` units of ``item`` if that many are in stock; return whether it did."""
        if n <= 0:
            raise ValueError("n must be positive")
        with self._lock:  # the check and the update form one atomic step
            if self._stock.get(item, 0) < n:
                return False
            self._on_check()
            self._stock[item] -= n
            return True

    def release(self, item: str, n: int = 1) -> None:
        """Put ``n`` units of ``item`` back into stock."""
        if n <= 0:
            raise ValueError("n must be positive")
        with self._lock:
            self._stock[item] = self._stock.get(item, 0) + n
