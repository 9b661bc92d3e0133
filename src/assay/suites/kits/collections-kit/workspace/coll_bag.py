"""A multiset: items with counts."""


class Bag:
    def __init__(self, items=()):
        self._counts = {}
        for item in items:
            self.add(item)

    def add(self, item, times=1):
        self._counts[item] = self._counts.get(item, 0) + times

    def count(self, item):
        return self._counts.get(item, 0)

    def discard(self, item):
        if self._counts.get(item, 0) > 1:
            self._counts[item] -= 1
        else:
            self._counts.pop(item, None)

    def __len__(self):
        return sum(self._counts.values())
