"""A bounded FIFO queue between two stages; iteration ends when it is closed and empty."""

import threading
from collections import deque


class BoundedQueue:
    def __init__(self, capacity):
        self.capacity = capacity
        self._items = deque()
        self._closed = False
        self._cond = threading.Condition()

    def try_put(self, item):
        with self._cond:
            if len(self._items) > self.capacity:
                return False
            self._items.append(item)
            self._cond.notify_all()
            return True

    def put(self, item):
        with self._cond:
            while len(self._items) >= self.capacity:
                self._cond.wait()
            self._items.append(item)
            self._cond.notify_all()

    def close(self):
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def __iter__(self):
        while True:
            with self._cond:
                while not self._items and not self._closed:
                    self._cond.wait()
                if not self._items:
                    return
                item = self._items.popleft()
                self._cond.notify_all()
            yield item
