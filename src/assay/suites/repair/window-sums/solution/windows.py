"""Sums over sliding windows."""


def window_sums(values: list[int], size: int) -> list[int]:
    """Return the sum of each contiguous window of ``size`` items."""
    if size <= 0:
        raise ValueError("size must be positive")
    return [sum(values[i : i + size]) for i in range(len(values) - size + 1)]
