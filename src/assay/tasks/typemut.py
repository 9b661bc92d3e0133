"""Type-aware input mutation (EvalPlus's published method), deterministic for a seed.

A new input is an existing one with one argument edited by a rule for its type: numbers
nudged or replaced, booleans flipped, strings and lists with an element inserted, removed,
replaced or duplicated, tuples, sets and dicts alike, nested values edited recursively.
Which inputs are kept (the problem's contract, the reference answering, no duplicates) is
decided elsewhere: this module only proposes, and never runs code.
"""

from __future__ import annotations

import contextlib
import json
import random
import string
from collections.abc import Sequence
from typing import Any

_CHARS = string.ascii_letters + string.digits + " _-.,"
MAX_ITEMS = 64
"""Lists, strings, sets and dicts are not grown beyond this many items."""


def canonical(args: Sequence[Any]) -> str:
    """A stable text of an argument list, for deduplication (types kept apart)."""
    from assay.verify.function import wire

    return json.dumps(wire.encode(list(args)), sort_keys=True, separators=(",", ":"))


def _number(x: int | float, rng: random.Random) -> int | float:
    choice = rng.randrange(4)
    if isinstance(x, int):
        if choice == 0:
            return x + rng.randint(1, 3)
        if choice == 1:
            return x - rng.randint(1, 3)
        if choice == 2:
            return -x
        return rng.randint(-100, 100)
    if choice == 0:
        return x + rng.uniform(0.1, 2.0)
    if choice == 1:
        return x - rng.uniform(0.1, 2.0)
    if choice == 2:
        return x * 2
    return round(rng.uniform(-100.0, 100.0), 3)


def _string(s: str, rng: random.Random) -> str:
    choice = rng.randrange(4) if s else 0
    at = rng.randrange(len(s) + 1)
    if choice == 0 and len(s) < MAX_ITEMS:
        return s[:at] + rng.choice(s or _CHARS) + s[at:]
    at = min(at, len(s) - 1)
    if choice == 1:
        return s[:at] + s[at + 1 :]
    if choice == 2:
        return s[:at] + rng.choice(_CHARS) + s[at + 1 :]
    return s[:at] + s[at] * 2 + s[at + 1 :] if len(s) < MAX_ITEMS else s[:at]


def _sequence(items: list[Any], rng: random.Random) -> list[Any]:
    out = list(items)
    if not out:
        return out  # nothing to copy a type from: leave an empty list empty
    choice = rng.randrange(4)
    at = rng.randrange(len(out))
    if choice == 0 and len(out) < MAX_ITEMS:
        out.insert(rng.randrange(len(out) + 1), mutate_value(out[at], rng))
    elif choice == 1:
        del out[at]
    elif choice == 2:
        out[at] = mutate_value(out[at], rng)
    elif len(out) < MAX_ITEMS:
        out.insert(at, out[at])
    return out


def _mapping(d: dict[Any, Any], rng: random.Random) -> dict[Any, Any]:
    out = dict(d)
    if not out:
        return out
    keys = list(out)
    key = keys[rng.randrange(len(keys))]
    choice = rng.randrange(3)
    if choice == 0:
        out[key] = mutate_value(out[key], rng)
    elif choice == 1:
        del out[key]
    elif len(out) < MAX_ITEMS:
        # An unhashable edited key leaves the dict as it was.
        with contextlib.suppress(TypeError):
            out[mutate_value(key, rng)] = out[key]
    return out


def mutate_value(x: Any, rng: random.Random) -> Any:
    """One type-preserving edit of a plain value."""
    if isinstance(x, bool):
        return not x
    if isinstance(x, int | float):
        return _number(x, rng)
    if isinstance(x, str):
        return _string(x, rng)
    if isinstance(x, list):
        return _sequence(x, rng)
    if isinstance(x, tuple):
        return tuple(_sequence(list(x), rng))
    if isinstance(x, set | frozenset):
        try:
            return type(x)(_sequence(sorted(x, key=repr), rng))
        except TypeError:
            return x
    if isinstance(x, dict):
        return _mapping(x, rng)
    return x  # None, bytes, complex: left as they are


def propose(
    seeds: Sequence[Sequence[Any]], count: int, seed: int, known: set[str] | None = None
) -> list[list[Any]]:
    """Up to ``count`` new argument lists grown from ``seeds`` (never one already known)."""
    rng = random.Random(seed)
    pool = [list(s) for s in seeds]
    seen = set(known or ()) | {canonical(s) for s in pool}
    out: list[list[Any]] = []
    for _ in range(count * 20):
        if len(out) >= count or not pool:
            break
        base = pool[rng.randrange(len(pool))]
        if not base:
            continue
        args = list(base)
        at = rng.randrange(len(args))
        args[at] = mutate_value(args[at], rng)
        try:
            key = canonical(args)
        except ValueError:
            continue
        if key in seen or len(key) > 20_000:
            continue
        seen.add(key)
        out.append(args)
        pool.append(args)
    return out
