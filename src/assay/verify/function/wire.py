"""Plain values as typed JSON: the only form in which data crosses the candidate boundary.

Standard library only: this file is also copied into the sandbox runtime, where the
candidate's answers are encoded with it. The trusted side only ever *decodes* what the
sandbox sends, and decoding builds nothing but built-in values of the listed types, so no
candidate-defined ``__eq__``, ``__hash__`` or ``__del__`` can run on the trusted side.

Encoding (JSON, one value):

* ``null``, ``true``/``false``, strings and ints that fit in 64 bits are themselves;
* finite floats are JSON numbers with a fraction or exponent (``1.0``, never ``1``);
* everything else is an object with a type tag ``"$"`` and a payload ``"v"``: ``int``
  (big ints, hex), ``float`` (``nan``, ``inf``, ``-inf``), ``tuple``, ``set``, ``frozenset``,
  ``dict`` (a list of ``[key, value]`` pairs, in order), ``bytes`` (hex), ``complex``
  (``[real, imag]``, each an encoded float);
* lists are JSON arrays.

Only exact built-in types are encoded (a subclass of ``list`` or ``int`` is refused; the
dicts of :mod:`collections` cross as plain dicts): a value of any other type raises
:class:`Unserializable`.
"""

import json
import math
from typing import Any

MAX_DEPTH = 64
"""Nesting depth allowed in either direction."""
_SMALL = 2**63


class Unserializable(ValueError):
    """A value outside the plain types (or too deep, or too large) was given."""


def _float(x: float) -> Any:
    if math.isfinite(x):
        return x
    return {"$": "float", "v": "nan" if math.isnan(x) else ("inf" if x > 0 else "-inf")}


def _enc(x: Any, depth: int) -> Any:
    if depth > MAX_DEPTH:
        raise Unserializable(f"nested deeper than {MAX_DEPTH}")
    t = type(x)
    if x is None or t is bool or t is str:
        return x
    if t is int:
        return x if -_SMALL < x < _SMALL else {"$": "int", "v": hex(x)}
    if t is float:
        return _float(x)
    d = depth + 1
    if t is list:
        return [_enc(i, d) for i in x]
    if t is tuple:
        return {"$": "tuple", "v": [_enc(i, d) for i in x]}
    if t is set or t is frozenset:
        items = [_enc(i, d) for i in x]
        # A set has no order: sort the encoded items so equal sets encode equally.
        items.sort(key=lambda i: json.dumps(i, sort_keys=True))
        return {"$": t.__name__, "v": items}
    if t is dict or (isinstance(x, dict) and t.__module__ == "collections"):
        # Counter, OrderedDict, defaultdict cross as their items: only data is compared.
        return {"$": "dict", "v": [[_enc(k, d), _enc(v, d)] for k, v in dict.items(x)]}
    if t is bytes:
        return {"$": "bytes", "v": x.hex()}
    if t is complex:
        return {"$": "complex", "v": [_float(x.real), _float(x.imag)]}
    raise Unserializable(f"type {t.__name__} is not a plain value")


def encode(value: object) -> Any:
    """Return the typed-JSON form of a plain value (a JSON-ready structure)."""
    return _enc(value, 0)


def dumps(value: object) -> str:
    """Return the typed-JSON text of a plain value (no newlines)."""
    return json.dumps(encode(value), allow_nan=False, separators=(",", ":"))


def _float_of(v: Any) -> float:
    if type(v) is float:
        return v
    if type(v) is int:
        return float(v)
    if type(v) is dict and v.get("$") == "float" and v.get("v") in ("nan", "inf", "-inf"):
        return float(v["v"])
    raise Unserializable("bad float")


def _hashable(x: object) -> object:
    try:
        hash(x)
    except TypeError:
        raise Unserializable("unhashable set member or dict key") from None
    return x


def _dec_tagged(v: dict[str, Any], d: int) -> object:
    tag, payload = v.get("$"), v.get("v")
    if len(v) != 2:
        raise Unserializable("tagged value with extra keys")
    if tag == "int" and type(payload) is str:
        try:
            return int(payload, 16)
        except ValueError:
            raise Unserializable("bad int") from None
    if tag == "float":
        return _float_of(v)
    if tag == "bytes" and type(payload) is str:
        try:
            return bytes.fromhex(payload)
        except ValueError:
            raise Unserializable("bad bytes") from None
    if type(payload) is not list:
        raise Unserializable("bad tagged value")
    if tag == "tuple":
        return tuple(_dec(i, d) for i in payload)
    if tag == "set":
        return {_hashable(_dec(i, d)) for i in payload}
    if tag == "frozenset":
        return frozenset(_hashable(_dec(i, d)) for i in payload)
    if tag == "dict":
        out: dict[object, object] = {}
        for pair in payload:
            if type(pair) is not list or len(pair) != 2:
                raise Unserializable("bad dict item")
            out[_hashable(_dec(pair[0], d))] = _dec(pair[1], d)
        return out
    if tag == "complex" and len(payload) == 2:
        return complex(_float_of(payload[0]), _float_of(payload[1]))
    raise Unserializable("unknown tag")


def _dec(v: Any, depth: int) -> object:
    if depth > MAX_DEPTH:
        raise Unserializable(f"nested deeper than {MAX_DEPTH}")
    t = type(v)
    if v is None or t is bool or t is str or t is int or t is float:
        return v
    if t is list:
        return [_dec(i, depth + 1) for i in v]
    if t is dict:
        return _dec_tagged(v, depth + 1)
    raise Unserializable("not JSON")


def decode(data: Any) -> object:
    """Build the plain value of a typed-JSON structure (as :func:`json.loads` returns it)."""
    return _dec(data, 0)


def _no_constant(name: str) -> Any:
    raise Unserializable(f"bare {name} is not allowed")


def loads(text: str | bytes) -> object:
    """Parse typed-JSON text into a plain value; raise :class:`Unserializable` if malformed."""
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise Unserializable("nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and ints longer than the digit limit
        raise Unserializable(f"not JSON: {str(exc)[:80]}") from None
    return decode(data)
