"""A ring buffer of fixed capacity that overwrites its oldest item."""


class Ring:
    def __init__(self, capacity):
        if capacity < 1:
            raise ValueError("capacity must be positive")
        self._buf = [None] * capacity
        self._start = 0
        self._size = 0

    def push(self, item):
        cap = len(self._buf)
        end = (self._start + self._size) % cap
        self._buf[end] = item
        if self._size < cap:
            self._size += 1

    def items(self):
        cap = len(self._buf)
        return [self._buf[(self._start + i) % cap] for i in range(self._size)]
