"""Hypothesis strategies for the loaders' fuzz tests: TOML documents near a valid one.

The budget is a count of cases, never wall-clock: each test names its ``max_examples``,
runs derandomized (the same cases on every machine) and without a deadline.
"""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
"""Settings shared by the loaders' fuzz tests (give ``max_examples`` at the test)."""

ODD_TEXT = st.sampled_from(
    ["", " ", "..", "../../x", "/etc/passwd", "a\0b", "x" * 300, "é", "~", "nan", "*", "\n"]
)
LEAF = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    ODD_TEXT,
)
VALUE = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, base: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """``base`` with one to three keys (dotted paths) replaced, removed or added.

    Mostly one key, so that the other keys stay valid and the loader gets past the schema
    to the files; a third of the new values are the odd strings of :data:`ODD_TEXT`.
    """
    doc: dict[str, Any] = json.loads(json.dumps(base))
    for _ in range(draw(st.sampled_from([1, 1, 1, 2, 3]))):
        path = draw(st.sampled_from([*keys, "unknown_key"])).split(".")
        parent: Any = doc
        for part in path[:-1]:
            if isinstance(parent, list):
                parent = parent[0] if parent and isinstance(parent[0], dict) else {}
                continue
            child = parent.get(part)
            if not isinstance(child, dict | list):
                child = {}
                parent[part] = child
            parent = child
        if isinstance(parent, list):
            continue
        if path[-1] in parent and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(st.one_of(ODD_TEXT, LEAF, VALUE))
    return doc


def to_toml(doc: dict[str, Any]) -> str:
    """A TOML rendering of plain data: every value inline, top-level keys only."""
    return "".join(f"{_string(k)} = {_value(v)}\n" for k, v in doc.items())


def _string(text: str) -> str:
    # JSON's string escapes are TOML's basic-string escapes.
    return json.dumps(text, ensure_ascii=False)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_string(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))
