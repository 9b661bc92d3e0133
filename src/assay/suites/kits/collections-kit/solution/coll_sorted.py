"""A list kept sorted on insertion."""

import bisect


class SortedList:
    def __init__(self, items=()):
        self._items = sorted(items)

    def add(self, item):
        bisect.insort(self._items, item)

    def remove(self, item):
        i = bisect.bisect_left(self._items, item)
        if i == len(self._items) or self._items[i] != item:
            raise ValueError(f"{item!r} not in list")
        del self._items[i]

    def items(self):
        return list(self._items)
