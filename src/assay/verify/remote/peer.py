"""One side of the boundary: channels, requests, and the proxies of the other side's objects.

Standard library only: the candidate's sandbox loads this file with the system interpreter.

The two processes share one *control* socket. Each thread that talks to the other side gets
its own channel (a socket pair whose far end is passed over the control socket), served on
the far side by a thread of its own, so calls made concurrently run concurrently. A request
blocks its thread until the reply; a request arriving on the same channel meanwhile (a
callback: the candidate calling a function the test passed in) is served by that same
waiting thread. Frames are a 4-byte length and a JSON array:

* ``["q", op, args, changes]`` a request; ``["r", value, changes]`` its result;
  ``["e", exception, changes]`` the exception it raised.

What a side agrees to do for the other is its :class:`Policy`: the candidate's side serves
any operation on its own objects; the trusted side only calls what the test passed in and
forwards printed text (``assay.verify.remote.trusted``).
"""

from __future__ import annotations

import json
import operator
import socket
import struct
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if __package__ or TYPE_CHECKING:
    from assay.verify.remote import codec as _codec
else:  # in the sandbox: this folder is on sys.path, and assay is not there
    import codec as _codec

MAX_FRAME = 64 * 1024 * 1024
Policy = Callable[[str, list[Any]], Any]
"""(operation, decoded arguments) → result; raises to refuse."""

UNARY: dict[str, Callable[[Any], Any]] = {
    "bool": bool, "len": len, "iter": iter, "next": next, "hash": hash, "repr": repr,
    "str": str, "int": int, "float": float, "index": operator.index, "neg": operator.neg,
    "pos": operator.pos, "abs": abs, "invert": operator.invert, "reversed": reversed,
    "complex": complex, "dir": lambda o: [str(n) for n in dir(o)],
    "enter": lambda o: type(o).__enter__(o),
}  # fmt: skip
BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "le": operator.le,
    "gt": operator.gt, "ge": operator.ge, "add": operator.add, "sub": operator.sub,
    "mul": operator.mul, "truediv": operator.truediv, "floordiv": operator.floordiv,
    "mod": operator.mod, "pow": operator.pow, "matmul": operator.matmul,
    "and": operator.and_, "or": operator.or_, "xor": operator.xor,
    "lshift": operator.lshift, "rshift": operator.rshift, "getitem": operator.getitem,
    "delitem": operator.delitem, "contains": operator.contains, "format": format,
    "instancecheck": lambda cls, x: isinstance(x, cls),
    "subclasscheck": lambda cls, x: issubclass(x, cls),
}  # fmt: skip
COMPARISONS = frozenset({"eq", "ne", "lt", "le", "gt", "ge"})


class Channel:
    """One socket, used by one thread at a time."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def send(self, frame: list[Any]) -> None:
        """Write one frame."""
        data = json.dumps(frame, separators=(",", ":")).encode()
        try:
            self.sock.sendall(struct.pack(">I", len(data)) + data)
        except OSError as exc:
            raise _codec.RemoteLost(f"the other side is gone ({type(exc).__name__})") from None

    def recv(self) -> list[Any]:
        """Read one frame (RemoteLost at the end of the stream or on a bad frame)."""
        size = struct.unpack(">I", self._exact(4))[0]
        if size > MAX_FRAME:
            raise _codec.RemoteLost("a frame larger than the limit arrived")
        try:
            frame = json.loads(self._exact(size))
        except (ValueError, RecursionError):
            raise _codec.RemoteLost("a malformed frame arrived") from None
        if not (isinstance(frame, list) and len(frame) >= 3 and frame[0] in ("q", "r", "e")):
            raise _codec.RemoteLost("a malformed frame arrived")
        return frame

    def _exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = self.sock.recv(min(n - len(buf), 1 << 20))
            except OSError:
                chunk = b""
            if not chunk:
                raise _codec.RemoteLost("the other side is gone")
            buf += chunk
        return bytes(buf)


class Peer:
    """One side of the boundary: its channels, its codec, and what it agrees to do."""

    def __init__(self, control: socket.socket, side: str, policy: Policy) -> None:
        self.control = control
        self.policy = policy
        self.codec = _codec.Codec(side, self._make_proxy, lambda v: isinstance(v, Remote))
        self._local = threading.local()
        self._ctl_lock = threading.Lock()
        self.lost = threading.Event()

    def start(self) -> None:
        """Accept the other side's channels in a background thread."""
        threading.Thread(target=self._accept, name="assay-accept", daemon=True).start()

    def _make_proxy(self, owner: str, hid: int, meta: dict[str, Any]) -> Remote:
        proxy = object.__new__(Remote)
        object.__setattr__(proxy, "_assay_state", (self, owner, hid, meta))
        return proxy

    # -- channels ------------------------------------------------------------------------
    def _channel(self) -> Channel:
        chan: Channel | None = getattr(self._local, "chan", None)
        if chan is None:
            if self.lost.is_set():
                raise _codec.RemoteLost("the other side is gone")
            mine, theirs = socket.socketpair()
            try:
                with self._ctl_lock:
                    socket.send_fds(self.control, [b"n"], [theirs.fileno()])
            except OSError:
                mine.close()
                raise _codec.RemoteLost("the other side is gone") from None
            finally:
                theirs.close()
            chan = self._local.chan = Channel(mine)
        return chan

    def _accept(self) -> None:
        while True:
            try:
                msg, fds, _, _ = socket.recv_fds(self.control, 16, 8)
            except OSError:
                msg, fds = b"", []
            if not msg:
                for fd in fds:
                    socket.socket(fileno=fd).close()
                self.lost.set()
                return
            for fd in fds:
                sock = socket.socket(fileno=fd)
                threading.Thread(target=self._serve, args=(Channel(sock),), daemon=True).start()

    def _serve(self, chan: Channel) -> None:
        self._local.chan = chan
        while True:
            try:
                frame = chan.recv()
                if frame[0] != "q":
                    raise _codec.RemoteLost("a reply arrived where a request was due")
                chan.send(self._answer(frame))
            except _codec.RemoteLost:
                chan.sock.close()
                return

    # -- requests ------------------------------------------------------------------------
    def request(self, op: str, *args: Any) -> Any:
        """Ask the other side to do ``op`` with ``args``; its result or its exception."""
        __tracebackhide__ = True  # pytest shows the test's frame and the exception, not these
        chan = self._channel()
        with self.codec.lock:
            nodes = [self.codec.encode(a) for a in args]
            frame = ["q", op, nodes, self.codec.changes()]
        chan.send(frame)
        while True:
            reply = chan.recv()
            if reply[0] == "q":
                chan.send(self._answer(reply))
                continue
            with self.codec.lock:
                try:
                    self.codec.apply(reply[2])
                    if reply[0] == "r":
                        return self.codec.decode(reply[1])
                    exc = self.codec.decode_exception(reply[1])
                except _codec.ProtocolError as err:
                    raise _codec.RemoteLost(f"protocol error: {err}") from None
            raise exc

    def _answer(self, frame: list[Any]) -> list[Any]:
        if len(frame) != 4 or not isinstance(frame[1], str) or not isinstance(frame[2], list):
            raise _codec.RemoteLost("a malformed request arrived")
        with self.codec.lock:
            try:
                self.codec.apply(frame[3])
                args = [self.codec.decode(n) for n in frame[2]]
            except _codec.ProtocolError as err:
                raise _codec.RemoteLost(f"protocol error: {err}") from None
        try:
            result = self.policy(frame[1], args)
        except BaseException as exc:
            with self.codec.lock:
                return ["e", self.codec.encode_exception(exc), self.codec.changes()]
        with self.codec.lock:
            try:
                node = self.codec.encode(result)
            except RecursionError:
                deep = ValueError("the result is nested too deeply to send")
                return ["e", self.codec.encode_exception(deep), self.codec.changes()]
            return ["r", node, self.codec.changes()]

    def forget(self) -> None:
        """Drop replica ids on both sides (between tests: the objects themselves stay)."""
        self.request("forget")
        with self.codec.lock:
            self.codec.forget()


def serve_any(
    op: str, args: list[Any], extra: Callable[[str, list[Any]], Any] | None = None
) -> Any:
    """Every operation on this side's own objects (the candidate's policy)."""
    if op == "call":
        target, pos, kw = args
        return target(*pos, **dict(kw))
    if op == "getattr":
        return getattr(args[0], args[1])
    if op == "setattr":
        return setattr(args[0], args[1], args[2])
    if op == "delattr":
        return delattr(args[0], args[1])
    if op == "exit":
        return type(args[0]).__exit__(args[0], *args[1:])
    if op in UNARY and len(args) == 1:
        return UNARY[op](args[0])
    if op in BINARY and len(args) == 2:
        return BINARY[op](args[0], args[1])
    if op == "setitem":
        args[0][args[1]] = args[2]
        return None
    if extra is not None:
        return extra(op, args)
    raise ValueError(f"unknown operation {op!r}")


class Remote:
    """A proxy of an object that lives on the other side.

    Operations are forwarded, with two rules that keep the other side from deciding a
    comparison against local data: a proxy never equals a value that is not a proxy
    (``==`` is identity there), and ordering or reflected arithmetic with a non-proxy is not
    forwarded (Python then raises ``TypeError``). Between two proxies, the owner decides.
    """

    __slots__ = ("__weakref__", "_assay_state")
    _assay_state: tuple[Peer, str, int, dict[str, Any]]

    def _assay_ref(self) -> tuple[str, int]:
        state = object.__getattribute__(self, "_assay_state")
        return state[1], state[2]

    def _assay_do(self, op: str, *args: Any) -> Any:
        __tracebackhide__ = True
        peer = object.__getattribute__(self, "_assay_state")[0]
        return peer.request(op, self, *args)

    def __getattr__(self, name: str) -> Any:
        __tracebackhide__ = True
        if name.startswith("__") and name.endswith("__") and name not in ("__name__", "__doc__"):
            raise AttributeError(name)
        return self._assay_do("getattr", name)

    def __setattr__(self, name: str, value: Any) -> None:
        __tracebackhide__ = True
        self._assay_do("setattr", name, value)

    def __delattr__(self, name: str) -> None:
        __tracebackhide__ = True
        self._assay_do("delattr", name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Call the remote object."""
        __tracebackhide__ = True
        peer = object.__getattribute__(self, "_assay_state")[0]
        # Keyword arguments as pairs: a dict would become a replica on every call.
        return peer.request("call", self, args, tuple(kwargs.items()))

    def __repr__(self) -> str:
        try:
            text = self._assay_do("repr")
        except Exception:
            text = None
        return text if type(text) is str else f"<remote object {self._assay_ref()}>"

    def __str__(self) -> str:
        __tracebackhide__ = True
        text = self._assay_do("str")
        if type(text) is not str:
            raise TypeError("__str__ returned non-string")
        return text

    def __eq__(self, other: object) -> Any:
        __tracebackhide__ = True
        if other is self:
            return True
        return self._assay_do("eq", other) if isinstance(other, Remote) else NotImplemented

    def __ne__(self, other: object) -> Any:
        __tracebackhide__ = True
        if other is self:
            return False
        return self._assay_do("ne", other) if isinstance(other, Remote) else NotImplemented

    def __hash__(self) -> int:
        __tracebackhide__ = True
        value = self._assay_do("hash")
        if type(value) is not int:
            raise TypeError("__hash__ returned non-int")
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        __tracebackhide__ = True
        self._assay_do("setitem", key, value)

    def __exit__(self, *exc: Any) -> Any:
        __tracebackhide__ = True
        return self._assay_do("exit", *exc)

    def __instancecheck__(self, obj: Any) -> bool:
        __tracebackhide__ = True
        return bool(self._assay_do("instancecheck", obj))

    def __subclasscheck__(self, cls: Any) -> bool:
        __tracebackhide__ = True
        return bool(self._assay_do("subclasscheck", cls))

    def __format__(self, spec: str) -> str:
        __tracebackhide__ = True
        return str(self._assay_do("format", spec))


def _forward_unary(op: str) -> Callable[[Remote], Any]:
    def method(self: Remote) -> Any:
        __tracebackhide__ = True
        return self._assay_do(op)

    return method


def _forward_binary(op: str, *, proxies_only: bool) -> Callable[[Remote, Any], Any]:
    def method(self: Remote, other: Any) -> Any:
        __tracebackhide__ = True
        if proxies_only and not isinstance(other, Remote):
            return NotImplemented
        return self._assay_do(op, other)

    return method


for _op in ("bool", "len", "iter", "next", "int", "float", "index", "neg", "pos", "abs",
            "invert", "reversed", "complex", "dir", "enter"):  # fmt: skip
    setattr(Remote, f"__{_op}__", _forward_unary(_op))
for _op in BINARY:
    if _op in ("eq", "ne", "format", "instancecheck", "subclasscheck"):
        continue
    setattr(Remote, f"__{_op}__", _forward_binary(_op, proxies_only=_op in COMPARISONS))
del _op
