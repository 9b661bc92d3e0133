"""Parse and order semantic versions: ``MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]``."""

from __future__ import annotations

import functools
import re

_VERSION = re.compile(
    r"^(?P<core>\d+\.\d+\.\d+)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)

Identifier = tuple[int, int, str]


def _identifier(text: str) -> Identifier:
    """Order key of one prerelease identifier: numbers first (numerically), then strings."""
    if text.isdigit():
        return (0, int(text), "")
    return (1, 0, text)


def parse(version: str) -> tuple[tuple[int, ...], tuple[Identifier, ...]]:
    """Split a version into its core numbers and its prerelease identifier keys."""
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"not a semantic version: {version!r}")
    core = tuple(int(part) for part in match["core"].split("."))
    pre = tuple(_identifier(p) for p in match["pre"].split(".")) if match["pre"] else ()
    return core, pre


def compare(a: str, b: str) -> int:
    """Return -1, 0 or 1 as version ``a`` sorts before, with or after version ``b``."""
    core_a, pre_a = parse(a)
    core_b, pre_b = parse(b)
    if core_a != core_b:
        return -1 if core_a < core_b else 1
    if pre_a == pre_b:
        return 0
    if not pre_a:  # a release sorts after its prereleases
        return 1
    if not pre_b:
        return -1
    return -1 if pre_a < pre_b else 1


def sort_versions(versions: list[str]) -> list[str]:
    """Return the versions in ascending precedence."""
    return sorted(versions, key=functools.cmp_to_key(compare))
