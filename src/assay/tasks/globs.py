"""Path globs for protected files: ``*`` and ``?`` stay within a segment, ``**`` spans folders.

Matching is case-insensitive so that ``Test_X.py`` cannot slip past ``test_*.py`` on a
case-insensitive file system.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            parts.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            parts.append(".*")
            i += 2
        elif pattern[i] == "*":
            parts.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            parts.append("[^/]")
            i += 1
        else:
            parts.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(parts), re.IGNORECASE)


def matches(relpath: str, pattern: str) -> bool:
    """Return whether a workspace-relative POSIX path matches a glob.

    A pattern without ``/`` matches the file name at any depth (``test_*.py`` covers
    ``pkg/test_a.py``), as the agent could otherwise hide a test one folder down.
    """
    path = relpath.strip("/")
    if "/" not in pattern and _compile(pattern).fullmatch(path.rsplit("/", 1)[-1]):
        return True
    return _compile(pattern.strip("/")).fullmatch(path) is not None


def matches_any(relpath: str, patterns: list[str] | tuple[str, ...]) -> bool:
    """Return whether the path matches at least one of the globs."""
    return any(matches(relpath, p) for p in patterns)
