"""Count, mean and variance of a stream of numbers, in one pass and constant memory."""

from __future__ import annotations

import math


class RunningStats:
    """Summary statistics of the values pushed so far (Welford's algorithm)."""

    def __init__(self) -> None:
        self.n = 0
        self._mean = 0.0
        self._m2 = 0.0  # sum of squared deviations from the current mean

    def push(self, value: float) -> None:
        """Add one value to the stream."""
        self.n += 1
        delta = value - self._mean
        self._mean += delta / self.n
        self._m2 += delta * (value - self._mean)

    @property
    def mean(self) -> float:
        """The mean of the values; needs at least one."""
        if self.n < 1:
            raise ValueError("mean needs at least one value")
        return float(self._mean)

    @property
    def variance(self) -> float:
        """The sample variance (dividing by n - 1); needs at least two values."""
        if self.n < 2:
            raise ValueError("variance needs at least two values")
        return float(max(self._m2, 0.0) / (self.n - 1))

    @property
    def stdev(self) -> float:
        """The sample standard deviation."""
        return math.sqrt(self.variance)

    def merge(self, other: RunningStats) -> RunningStats:
        """Return the statistics of both streams together (Chan et al.'s combination)."""
        both = RunningStats()
        both.n = self.n + other.n
        if both.n == 0:
            return both
        delta = other._mean - self._mean
        both._mean = self._mean + delta * other.n / both.n
        both._m2 = self._m2 + other._m2 + delta * delta * self.n * other.n / both.n
        return both
