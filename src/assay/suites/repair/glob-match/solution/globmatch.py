"""Match ``/``-separated paths against glob patterns with ``*``, ``?`` and ``**``."""

from __future__ import annotations

from functools import lru_cache


def match(pattern: str, path: str) -> bool:
    """Return whether the whole ``path`` matches ``pattern``."""
    return _segments(tuple(pattern.split("/")), tuple(path.split("/")))


@lru_cache(maxsize=4096)
def _segments(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """Match pattern segments against path segments; ``**`` spans zero or more segments."""
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_segments(rest, path[k:]) for k in range(len(path) + 1))
    return bool(path) and _match(head, 0, path[0], 0) and _segments(rest, path[1:])


def _match(pattern: str, i: int, path: str, j: int) -> bool:
    """Match ``pattern[i:]`` against ``path[j:]``."""
    while i < len(pattern):
        char = pattern[i]
        if char == "*":
            # '*' matches any run of characters within one segment.
            for k in range(j, len(path) + 1):
                if _match(pattern, i + 1, path, k):
                    return True
                if k < len(path) and path[k] == "/":
                    break
            return False
        if char == "?":
            if j >= len(path) or path[j] == "/":
                return False
        elif j >= len(path) or path[j] != char:
            return False
        i += 1
        j += 1
    return j == len(path)


def filter_paths(pattern: str, paths: list[str]) -> list[str]:
    """Return the paths that match ``pattern``, in their original order."""
    return [p for p in paths if match(pattern, p)]
