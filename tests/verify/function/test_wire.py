"""The typed-JSON codec: round trips for every plain value, refusal of everything else."""

from __future__ import annotations

import json
import math
from collections import Counter, OrderedDict

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.verify.function import wire

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**300), max_value=2**300),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.binary(max_size=20),
    st.complex_numbers(allow_nan=False),
)
_hashables = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=5)),
    lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3),
    max_leaves=6,
)
values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.sets(_hashables, max_size=4),
        st.frozensets(_hashables, max_size=4),
        st.dictionaries(_hashables, inner, max_size=4),
    ),
    max_leaves=20,
)


def _same(a: object, b: object) -> bool:
    """Equal with the same types all the way down (nan equal to nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or a == b  # type: ignore[arg-type]
    if isinstance(a, complex):
        return _same(a.real, b.real) and _same(a.imag, b.imag)  # type: ignore[attr-defined]
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(map(_same, a, b))  # type: ignore[arg-type]
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # type: ignore[call-overload]
    return a == b


@settings(max_examples=300, deadline=None)
@given(values)
def test_round_trip_keeps_values_and_types(value):
    text = wire.dumps(value)
    assert "\n" not in text
    assert _same(wire.loads(text), value)


@settings(max_examples=300, deadline=None)
@given(st.sets(_hashables, max_size=6))
def test_equal_sets_encode_equally(value):
    assert wire.dumps(value) == wire.dumps(set(reversed(list(value))))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")))
def test_arbitrary_text_decodes_or_is_refused(text):
    try:
        value = wire.loads(text)
    except wire.Unserializable:
        return
    # Whatever decodes is plain data that encodes again.
    wire.dumps(value)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5) | st.floats(),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(
            st.sampled_from(["$", "v", "x"]),
            inner
            | st.sampled_from(
                [
                    "tuple",
                    "set",
                    "frozenset",
                    "dict",
                    "int",
                    "float",
                    "bytes",
                    "complex",
                    "nan",
                    "zz",
                ]
            ),
            max_size=3,
        )
    ),
    max_leaves=12,
)


@settings(max_examples=500, deadline=None)
@given(_json)
def test_arbitrary_json_decodes_to_plain_values_or_is_refused(data):
    try:
        value = wire.decode(data)
    except wire.Unserializable:
        return
    wire.dumps(value)


class _Always:
    def __eq__(self, other: object) -> bool:
        return True

    __hash__ = object.__hash__


class _MyList(list):  # type: ignore[type-arg]
    pass


@pytest.mark.parametrize(
    "value",
    [
        _Always(),
        _MyList([1]),
        [_Always()],
        {"k": _Always()},
        object(),
        print,
        type,
        range(3),
        bytearray(b"x"),
        memoryview(b"x"),
    ],
    ids=[
        "eq",
        "list-subclass",
        "nested",
        "dict-value",
        "object",
        "builtin",
        "type",
        "range",
        "bytearray",
        "memoryview",
    ],
)
def test_anything_else_is_unserializable(value):
    with pytest.raises(wire.Unserializable):
        wire.dumps(value)


def test_collections_dicts_cross_as_their_items():
    assert wire.loads(wire.dumps(Counter("aab"))) == {"a": 2, "b": 1}
    assert type(wire.loads(wire.dumps(OrderedDict(x=1)))) is dict


def test_depth_and_malformed_input_are_refused():
    deep: list[object] = []
    for _ in range(wire.MAX_DEPTH + 5):
        deep = [deep]
    with pytest.raises(wire.Unserializable):
        wire.dumps(deep)
    for bad in ["[" * 100_000, "NaN", '{"$": "tuple"}', '{"$": "set", "v": [[1]]}',
                '{"$": "int", "v": "zz"}', '{"$": "tuple", "v": [], "x": 1}', "1" * 5000]:  # fmt: skip
        with pytest.raises(wire.Unserializable):
            wire.loads(bad)


def test_big_ints_cross_beyond_the_digit_limit():
    n = 7**20_000
    assert wire.loads(wire.dumps(n)) == n
    assert json.loads(wire.dumps(1.0)) == 1.0 and wire.loads("1.0") == 1.0
