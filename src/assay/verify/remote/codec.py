"""Values across the boundary between the trusted test process and the candidate's process.

Standard library only: the candidate's sandbox loads this file with the system interpreter.

Plain values cross by value and arrive as exact built-in types: ``None``, ``bool``, ``int``,
``float``, ``str``, ``bytes``, ``tuple``, ``frozenset``, and the standard library's value
types (``date``, ``datetime`` with a fixed offset, ``time``, ``timedelta``, ``Decimal``,
``Fraction``, ``complex``, ``range``). Mutable containers (exact ``list``, ``dict``, ``set``,
``bytearray``) cross as *replicas*: each side keeps its own object under a shared id, and every
message carries the replicas whose contents changed since the last message, so a candidate
that mutates an argument is seen mutating the test's own object, a test that mutates a
returned list is seen by the candidate, and a candidate that returns its argument returns the
test's object (identity holds). Anything else — a subclass of a built-in, a class, a function,
an instance — crosses as a *handle*: a reference to an object that stays on its own side, used
through a proxy. Decoding only ever builds built-in values and proxies: nothing the other side
defines is instantiated or executed here.
"""

from __future__ import annotations

import base64
import collections
import json
import keyword
import threading
import traceback
import types
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if __package__ or TYPE_CHECKING:
    from assay.verify.remote import values as _values
else:  # in the sandbox: this folder is on sys.path, and assay is not there
    import values as _values

Node = Any
"""A JSON value: the encoded form of one Python value."""
ProxyFactory = Callable[[str, int, dict[str, Any]], Any]
"""(owner side, handle id, meta) → the local proxy of a remote object."""

_REPLICA_TAGS: dict[type, str] = {list: "L", dict: "D", set: "S", bytearray: "B"}
BUILTIN_EXCEPTIONS = _values.BUILTIN_EXCEPTIONS
EXIT_EXCEPTIONS = frozenset({"KeyboardInterrupt", "GeneratorExit"})
"""Exceptions that would stop the receiving program: across the boundary they become
:class:`RemoteExit`. ``SystemExit`` crosses as itself (pytest reports it as a failure)."""


class ProtocolError(RuntimeError):
    """The other side sent something this codec does not accept."""


class RemoteLost(RuntimeError):
    """The other side is gone (it exited, was killed, or broke the protocol)."""


class RemoteExit(RuntimeError):
    """The other side's code raised SystemExit, KeyboardInterrupt or GeneratorExit."""


class RemoteError(Exception):
    """Base of the local stand-ins for exception classes defined on the other side."""

    remote_message = ""

    def __str__(self) -> str:
        return self.remote_message or super().__str__()


def _key(node: Node) -> str:
    return json.dumps(node, sort_keys=True)


class Codec:
    """One side's tables: replicas, exported handles, proxies of the other side's objects."""

    def __init__(self, side: str, proxy_factory: ProxyFactory, is_proxy: Callable[[Any], bool]):
        if side not in ("t", "c"):
            raise ValueError("side is 't' (trusted) or 'c' (candidate)")
        self.side = side
        self.other = "c" if side == "t" else "t"
        self.lock = threading.RLock()
        self._proxy_factory, self._is_proxy = proxy_factory, is_proxy
        self._counter = 0
        self.replicas: dict[str, Any] = {}
        self._rids: dict[int, str] = {}
        self._snap: dict[str, str] = {}
        self.exported: dict[int, Any] = {}
        self._hids: dict[int, int] = {}
        self._proxies: dict[int, Any] = {}
        self._mirrors: dict[int, type[BaseException]] = {}
        self._tuples: dict[tuple[str, tuple[str, ...]], type] = {}
        self._mirrored: dict[int, int] = {}

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    # -- encoding ------------------------------------------------------------------------
    def encode(self, value: Any) -> Node:
        """The node of ``value``; replicas and handles it needs are registered."""
        t = type(value)
        if value is None or t in (bool, int, float, str):
            return value
        tag = _REPLICA_TAGS.get(t)
        if tag is not None:
            rid = self._rids.get(id(value))
            if rid is None:
                rid = f"{self.side}{self._next()}"
                self._rids[id(value)], self.replicas[rid] = rid, value
            return ["r", rid]
        if t is bytes:
            return ["b", _values.b64(value)]
        if t is tuple:
            return ["t", [self.encode(v) for v in value]]
        if t is frozenset:
            return ["f", sorted((self.encode(v) for v in value), key=_key)]
        simple = _values.simple(value)
        if simple is not None:
            return simple
        coll = self._collection(value)
        if coll is not None:
            return coll
        array = _values.numpy_value(value)
        if array is not None:
            return array
        if self._is_proxy(value):
            owner, hid = value._assay_ref()
            return ["h", owner, hid, {}]
        mirrored = self._mirrored.get(id(value))
        if mirrored is not None:  # a stand-in goes back as the other side's own class
            return ["h", self.other, mirrored, {"exc": []}]
        return self._export(value)

    def _collection(self, value: Any) -> Node | None:
        """The standard library's containers, copied by value as their own type."""
        t = type(value)
        if t in (collections.Counter, collections.OrderedDict):
            pairs = [[self.encode(k), self.encode(v)] for k, v in value.items()]
            return [t.__name__, pairs]
        if t is collections.defaultdict:
            pairs = [[self.encode(k), self.encode(v)] for k, v in value.items()]
            return ["defaultdict", self.encode(value.default_factory), pairs]
        if t is collections.deque:
            return ["deque", [self.encode(v) for v in value], value.maxlen]
        if _values.is_namedtuple(t):
            items = [self.encode(v) for v in tuple.__iter__(value)]
            return ["namedtuple", t.__name__, list(t._fields), items]
        return None

    def _export(self, value: Any) -> Node:
        hid = self._hids.get(id(value))
        if hid is None:
            hid = self._next()
            self._hids[id(value)], self.exported[hid] = hid, value
        return ["h", self.side, hid, _meta(value)]

    def shallow(self, obj: Any) -> Node:
        """The contents of one replica, its children as nodes (other replicas by id)."""
        t = type(obj)
        if t is list:
            return ["L", [self.encode(v) for v in obj]]
        if t is dict:
            return ["D", [[self.encode(k), self.encode(v)] for k, v in obj.items()]]
        if t is set:
            return ["S", sorted((self.encode(v) for v in obj), key=_key)]
        return ["B", _values.b64(bytes(obj))]

    def changes(self) -> dict[str, Node]:
        """Every replica new or changed since the last message, contents included."""
        out: dict[str, Node] = {}
        todo = list(self.replicas)
        seen: set[str] = set()
        while todo:
            rid = todo.pop()
            if rid in seen:
                continue
            seen.add(rid)
            before = len(self.replicas)
            node = self.shallow(self.replicas[rid])
            if len(self.replicas) != before:  # children registered just now
                todo.extend(r for r in self.replicas if r not in seen)
            key = _key(node)
            if self._snap.get(rid) != key:
                self._snap[rid] = key
                out[rid] = node
        return out

    def forget(self) -> None:
        """Drop every replica (the objects stay; only the shared ids go)."""
        self.replicas.clear()
        self._rids.clear()
        self._snap.clear()

    def encode_exception(self, exc: BaseException) -> Node:
        """An exception as its class, its arguments (or its message) and its message."""
        cls = type(exc)
        name = cls.__name__
        cls_node = ["T", name] if BUILTIN_EXCEPTIONS.get(name) is cls else self.encode(cls)
        try:
            args = self.encode(tuple(exc.args))
        except Exception:
            args = ["t", [_safe_str(exc)]]
        out = {"cls": cls_node, "args": args, "msg": _safe_str(exc)}
        if self.side == "c":
            # The candidate's own frames, as text, for the failure excerpt. Never the other
            # way: a test's traceback would show its source lines to the candidate.
            out["tb"] = _candidate_frames(exc)
        return out

    # -- decoding ------------------------------------------------------------------------
    def apply(self, objs: Any) -> None:
        """Bring this side's replicas up to date with the other side's changes."""
        if not isinstance(objs, dict):
            raise ProtocolError("replica changes must be an object")
        for rid, node in objs.items():
            if not (isinstance(rid, str) and isinstance(node, list) and len(node) == 2):
                raise ProtocolError("bad replica entry")
            if rid not in self.replicas:
                if not rid.startswith(self.other):
                    raise ProtocolError(f"unknown replica {rid!r}")
                kind = {"L": list, "D": dict, "S": set, "B": bytearray}.get(node[0])
                if kind is None:
                    raise ProtocolError("bad replica kind")
                obj = kind()
                self.replicas[rid], self._rids[id(obj)] = obj, rid
        for rid, node in objs.items():
            self._fill(self.replicas[rid], node)
            self._snap[rid] = _key(node)

    def _fill(self, obj: Any, node: Node) -> None:
        kind, body = node
        t = type(obj)
        if t is list and kind == "L" and isinstance(body, list):
            obj[:] = [self.decode(v) for v in body]
        elif t is dict and kind == "D" and isinstance(body, list):
            pairs = [(self.decode(k), self.decode(v)) for k, v in body]
            obj.clear()
            obj.update(pairs)
        elif t is set and kind == "S" and isinstance(body, list):
            items = [self.decode(v) for v in body]
            obj.clear()
            obj.update(items)
        elif t is bytearray and kind == "B" and isinstance(body, str):
            obj[:] = base64.b64decode(body)
        else:
            raise ProtocolError("a replica changed its kind")

    def decode(self, node: Node) -> Any:
        """The local value of a node: built-in values, this side's objects, or proxies."""
        if node is None or type(node) in (bool, int, float, str):
            return node
        if not (isinstance(node, list) and node and isinstance(node[0], str)):
            raise ProtocolError("bad value node")
        tag = node[0]
        try:
            if tag == "r":
                return self.replicas[node[1]]
            if tag == "t":
                return tuple(self.decode(v) for v in node[1])
            if tag == "f":
                return frozenset(self.decode(v) for v in node[1])
            if tag == "h":
                return self._handle(node)
            if tag in _values.COLLECTIONS:
                return self._uncollection(node)
            if tag in ("ndarray", "npscalar"):
                return _values.numpy_from(node)
            return _values.unsimple(node)
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise ProtocolError(f"bad {tag!r} node: {type(exc).__name__}") from None

    def _uncollection(self, node: list[Any]) -> Any:
        tag = node[0]
        if tag == "deque":
            maxlen = node[2]
            if maxlen is not None and type(maxlen) is not int:
                raise ValueError("maxlen")
            return collections.deque((self.decode(v) for v in node[1]), maxlen)
        if tag == "namedtuple":
            name, fields = str(node[1]), tuple(str(f) for f in node[2])
            cls = self._tuples.get((name, fields))
            if cls is None:
                if len(self._tuples) > 1000:
                    raise ValueError("too many namedtuple types")
                # Built here from names only: the candidate's class never crosses.
                safe = name if name.isidentifier() and not keyword.iskeyword(name) else "Row"
                cls = self._tuples[(name, fields)] = collections.namedtuple(safe, fields)
            return cls(*(self.decode(v) for v in node[3]))
        pairs = [(self.decode(k), self.decode(v)) for k, v in node[-1]]
        if tag == "Counter":
            return collections.Counter(dict(pairs))
        if tag == "OrderedDict":
            return collections.OrderedDict(pairs)
        factory = self.decode(node[1])
        if factory is not None and not callable(factory):
            raise ValueError("default_factory")
        return collections.defaultdict(factory, pairs)

    def _handle(self, node: Node) -> Any:
        _, owner, hid, meta = node
        if type(hid) is not int or not isinstance(meta, dict):
            raise ProtocolError("bad handle")
        if owner == self.side:
            return self.exported[hid]
        if owner != self.other:
            raise ProtocolError("bad handle owner")
        if "exc" in meta:
            return self._mirror(hid, meta)
        proxy = self._proxies.get(hid)
        if proxy is None:
            proxy = self._proxies[hid] = self._proxy_factory(owner, hid, meta)
        return proxy

    def _mirror(self, hid: int, meta: dict[str, Any]) -> type[BaseException]:
        """A local exception class standing for one defined on the other side.

        Its bases are the built-in exceptions the remote class derives from, so
        ``pytest.raises(ValueError)`` catches a candidate's ``class Bad(ValueError)``.
        """
        mirror = self._mirrors.get(hid)
        if mirror is None:
            bases = [
                BUILTIN_EXCEPTIONS[n]
                for n in meta.get("exc", [])
                if isinstance(n, str) and n in BUILTIN_EXCEPTIONS and n not in EXIT_EXCEPTIONS
            ]
            bases = [b for b in bases if not any(o is not b and issubclass(o, b) for o in bases)]
            name = str(meta.get("name", "RemoteError"))[:200] or "RemoteError"
            try:
                mirror = type(name, (RemoteError, *bases), {"__module__": "remote"})
            except TypeError:  # incompatible layouts (e.g. two built-in bases)
                mirror = type(name, (RemoteError,), {"__module__": "remote"})
            self._mirrors[hid] = mirror
            self._mirrored[id(mirror)] = hid
        return mirror

    def decode_exception(self, node: Any) -> BaseException:
        """The local exception raised for a remote one."""
        if not isinstance(node, dict):
            raise ProtocolError("bad exception node")
        cls_node, msg = node.get("cls"), str(node.get("msg", ""))[:10000]
        args = self.decode(node.get("args", ["t", []]))
        if not isinstance(args, tuple):
            raise ProtocolError("bad exception arguments")
        cls: Any
        if isinstance(cls_node, list) and cls_node[:1] == ["T"]:
            name = str(cls_node[1])
            if name in EXIT_EXCEPTIONS:
                return RemoteExit(f"{name}: {msg}")
            cls = BUILTIN_EXCEPTIONS.get(name, RemoteError)
        else:
            cls = self.decode(cls_node)
            if not (isinstance(cls, type) and issubclass(cls, BaseException)):
                cls = RemoteError
        try:
            # Built-in constructors set derived attributes (SystemExit.code, OSError.errno).
            exc = cls(*args) if not issubclass(cls, RemoteError) else cls.__new__(cls)
        except Exception:
            exc = cls.__new__(cls)
        exc.args = args
        if isinstance(exc, RemoteError):
            exc.remote_message = msg
        tb = node.get("tb")
        if isinstance(tb, str) and tb and self.side == "t":
            exc.add_note("in the candidate's code:\n" + tb[-2000:])
        return exc  # type: ignore[no-any-return]


def _candidate_frames(exc: BaseException) -> str:
    """The traceback's frames outside this runtime (``/rt``), formatted, clipped."""
    try:
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith("/rt/")
        ]
        return "".join(traceback.format_list(frames))[-2000:]
    except Exception:
        return ""


def _safe_str(exc: BaseException) -> str:
    try:
        return str(exc)[:10000]
    except Exception:
        return f"<{type(exc).__name__}: unprintable>"


def _meta(value: Any) -> dict[str, Any]:
    """What the other side may know about a handle without asking: its kind and name."""
    if isinstance(value, type):
        name = getattr(value, "__qualname__", "?")
        if issubclass(value, BaseException):
            bases = [c.__name__ for c in value.__mro__ if BUILTIN_EXCEPTIONS.get(c.__name__) is c]
            return {"exc": bases, "name": name}
        return {"kind": "class", "name": name}
    if isinstance(value, types.ModuleType):
        return {"kind": "module", "name": value.__name__}
    if callable(value):
        return {"kind": "callable"}
    return {"kind": "object"}
