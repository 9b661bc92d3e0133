"""Values that cross by value: built-in and standard-library types, numpy arrays.

Standard library only (the candidate's sandbox loads this file beside :mod:`codec`). Each
``simple``/``numpy_value`` returns the node of a value it knows, or None; ``unsimple`` and
``numpy_from`` build the value back from exact built-in and standard-library types only.
Containers of other values (collections, namedtuples) are :class:`codec.Codec`'s, since
their items need its encoding.
"""

from __future__ import annotations

import base64
import builtins
import datetime
import decimal
import fractions
import keyword
import math
from typing import Any

Node = Any
"""A JSON value: the encoded form of one Python value."""

BUILTIN_TYPES: dict[str, type] = {
    t.__name__: t
    for t in (
        int, float, str, bytes, bool, list, dict, tuple, set, frozenset, bytearray, complex,
        object, type, range, slice, type(None),
    )
}  # fmt: skip
BUILTIN_EXCEPTIONS: dict[str, type[BaseException]] = {
    name: obj
    for name, obj in vars(builtins).items()
    if isinstance(obj, type) and issubclass(obj, BaseException)
}


def b64(data: bytes) -> str:
    """Bytes as base64 text."""
    return base64.b64encode(data).decode("ascii")


COLLECTIONS = frozenset({"Counter", "OrderedDict", "defaultdict", "deque", "namedtuple"})


def is_namedtuple(t: type) -> bool:
    """Whether ``t`` is shaped as ``collections.namedtuple`` makes them (names only)."""
    fields = getattr(t, "_fields", None)
    return (
        t.__bases__ == (tuple,)
        and type(fields) is tuple
        and len(fields) < 256
        and all(
            type(f) is str and f.isidentifier() and not keyword.iskeyword(f) and f[:1] != "_"
            for f in fields
        )
        and len(set(fields)) == len(fields)
    )


NUMPY_KINDS = frozenset("biufcSUmM")


def numpy_value(value: Any) -> Node | None:
    """A numpy array or scalar of a plain dtype, by value (numpy is never imported here)."""
    t = type(value)
    if getattr(t, "__module__", "") != "numpy":
        return None
    dtype = getattr(value, "dtype", None)
    if dtype is None or dtype.kind not in NUMPY_KINDS or dtype.hasobject:
        return None
    data = b64(value.tobytes())
    if t.__name__ == "ndarray":
        return ["ndarray", dtype.str, [int(n) for n in value.shape], data]
    return ["npscalar", dtype.str, data]


def numpy_from(node: list[Any]) -> Any:
    """Rebuild a numpy value from its dtype, shape and bytes (no object dtype, sizes checked)."""
    import numpy as np  # only where numpy values actually arrive

    dtype = np.dtype(str(node[1]))
    if dtype.kind not in NUMPY_KINDS or dtype.hasobject:
        raise ValueError("dtype")
    data = base64.b64decode(node[-1], validate=True)
    if node[0] == "npscalar":
        if len(data) != dtype.itemsize:
            raise ValueError("size")
        return np.frombuffer(data, dtype)[0]
    shape = tuple(int(n) for n in node[2])
    if any(n < 0 for n in shape) or math.prod(shape) * dtype.itemsize != len(data):
        raise ValueError("size")
    return np.frombuffer(data, dtype).reshape(shape).copy()


def simple(value: Any) -> Node | None:
    """Standard-library value types, by value (exact types only)."""
    t = type(value)
    if t is datetime.datetime:
        if value.tzinfo is not None and type(value.tzinfo) is not datetime.timezone:
            return None
        return ["datetime", value.isoformat(), value.fold]
    if t is datetime.date:
        return ["date", value.isoformat()]
    if t is datetime.time:
        if value.tzinfo is not None and type(value.tzinfo) is not datetime.timezone:
            return None
        return ["time", value.isoformat(), value.fold]
    if t is datetime.timedelta:
        return ["timedelta", value.days, value.seconds, value.microseconds]
    if t is datetime.timezone:
        off = value.utcoffset(None)
        return ["timezone", off.days, off.seconds, off.microseconds, value.tzname(None)]
    if t is decimal.Decimal:
        return ["decimal", str(value)]
    if t is fractions.Fraction:
        return ["fraction", value.numerator, value.denominator]
    if t is complex:
        return ["complex", value.real, value.imag]
    if t is range:
        return ["range", value.start, value.stop, value.step]
    if value is Ellipsis:
        return ["ellipsis"]
    if t is type:
        name = value.__name__
        if BUILTIN_TYPES.get(name) is value or BUILTIN_EXCEPTIONS.get(name) is value:
            return ["T", name]
    return None


def unsimple(node: list[Any]) -> Any:
    """The value of a node :func:`simple` made (ValueError for any other tag)."""
    tag = node[0]
    if tag == "b":
        return base64.b64decode(node[1], validate=True)
    if tag == "datetime":
        return datetime.datetime.fromisoformat(node[1]).replace(fold=int(node[2]))
    if tag == "date":
        return datetime.date.fromisoformat(node[1])
    if tag == "time":
        return datetime.time.fromisoformat(node[1]).replace(fold=int(node[2]))
    if tag == "timedelta":
        return datetime.timedelta(days=node[1], seconds=node[2], microseconds=node[3])
    if tag == "timezone":
        off = datetime.timedelta(days=node[1], seconds=node[2], microseconds=node[3])
        return datetime.timezone(off) if node[4] is None else datetime.timezone(off, str(node[4]))
    if tag == "decimal":
        return decimal.Decimal(str(node[1]))
    if tag == "fraction":
        return fractions.Fraction(int(node[1]), int(node[2]))
    if tag == "complex":
        return complex(float(node[1]), float(node[2]))
    if tag == "range":
        return range(int(node[1]), int(node[2]), int(node[3]))
    if tag == "ellipsis":
        return Ellipsis
    if tag == "T":
        name = node[1]
        found = BUILTIN_TYPES.get(name) or BUILTIN_EXCEPTIONS.get(name)
        if found is None:
            raise ValueError(name)
        return found
    raise ValueError(tag)
