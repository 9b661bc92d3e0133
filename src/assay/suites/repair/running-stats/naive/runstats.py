"""Count, mean and variance of a stream of numbers, in one pass and constant memory."""

from __future__ import annotations

import math


class RunningStats:
    """Summary statistics of the values pushed so far."""

    def __init__(self) -> None:
        self.n = 0
        self._sum = 0.0
        self._sum_sq = 0.0

    def push(self, value: float) -> None:
        """Add one value to the stream."""
        self.n += 1
        self._sum += value
        self._sum_sq += value * value

    @property
    def mean(self) -> float:
        """The mean of the values; needs at least one."""
        if self.n < 1:
            raise ValueError("mean needs at least one value")
        return self._sum / self.n

    @property
    def variance(self) -> float:
        """The sample variance (dividing by n - 1); needs at least two values."""
        if self.n < 2:
            raise ValueError("variance needs at least two values")
        return (self._sum_sq - self._sum * self._sum / self.n) / (self.n - 1)

    @property
    def stdev(self) -> float:
        """The sample standard deviation."""
        return math.sqrt(self.variance)

    def merge(self, other: RunningStats) -> RunningStats:
        """Return the statistics of both streams together."""
        both = RunningStats()
        both.n = self.n + other.n
        both._sum = self._sum + other._sum
        both._sum_sq = self._sum_sq + other._sum_sq
        return both
