"""Parse and order semantic versions: ``MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]``."""

from __future__ import annotations

import functools
import re

_VERSION = re.compile(
    r"^(?P<core>\d+\.\d+\.\d+)"
    r"(?:-(?P<pre>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?"
    r"(?:\+(?P<build>[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*))?$"
)


def parse(version: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Split a version into its core parts and its prerelease identifiers."""
    match = _VERSION.match(version)
    if match is None:
        raise ValueError(f"not a semantic version: {version!r}")
    core = tuple(match["core"].split("."))
    pre = tuple(match["pre"].split(".")) if match["pre"] else ()
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
