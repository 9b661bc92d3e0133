"""The boundary between the test process and the candidate's, on real sockets.

Two peers in one interpreter stand for the two processes (the gate-level tests run them as
real processes in real sandboxes). What the tests rely on must survive the crossing; what a
candidate could use to decide a comparison must not.
"""

from __future__ import annotations

import datetime
import decimal
import fractions
import importlib
import json
import math
import socket
import sys
import threading
import types
from collections import Counter, OrderedDict, defaultdict, deque
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.verify.remote import codec, peer, trusted

CANDIDATE = """
import threading

SHARED = []

class AlwaysEqual:
    def __eq__(self, other):
        return True
    def __lt__(self, other):
        return True
    __hash__ = object.__hash__

class Sneaky(list):
    def __eq__(self, other):
        return True

class BadInput(ValueError):
    pass

class Box:
    def __init__(self, value):
        self.value = value
    def __eq__(self, other):
        return isinstance(other, Box) and other.value == self.value
    def __lt__(self, other):
        return self.value < other.value
    def __hash__(self):
        return hash(self.value)
    def __len__(self):
        return 3
    def __iter__(self):
        return iter(range(3))

def identity(x):
    return x

def append_one(xs):
    xs.append(1)

def share(xs):
    return {"inner": xs}

def keep(xs):
    SHARED.append(xs)

def grow_kept():
    SHARED[-1].append("later")

def fail(kind):
    if kind == "value":
        raise ValueError("bad", 3)
    if kind == "custom":
        raise BadInput("custom")
    if kind == "exit":
        raise SystemExit(2)
    if kind == "keyboard":
        raise KeyboardInterrupt

def callback(fn, *args):
    return fn(*args)

def echo_type(x):
    return type(x).__name__

def gen(n):
    yield from range(n)

def spin_until(flag_box, other):
    # Concurrency: two calls must run at the same time on the candidate's side.
    barrier.wait(timeout=5)
    return True

barrier = threading.Barrier(2)

def frames():
    import sys
    f, seen = sys._getframe(), []
    while f is not None:
        seen.append(sorted(f.f_globals.get("__name__", "?") for _ in [0]))
        f = f.f_back
    return seen

def stdlib_values():
    import collections
    Point = collections.namedtuple("Point", "x y")
    return (collections.Counter("aab"), collections.OrderedDict(a=1), collections.deque([1, 2], 5),
            collections.defaultdict(list, {"k": [1]}), Point(1, 2))
"""


@pytest.fixture
def pair(tmp_path: Path):
    """(the test side's peer, the candidate module as a proxy)."""
    (tmp_path / "cand_mod.py").write_text(CANDIDATE)
    sys.path.insert(0, str(tmp_path))
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)

    def extra(op, args):
        if op == "import":
            return importlib.import_module(args[0])
        if op == "forget":
            return None
        raise ValueError(op)

    cand = peer.Peer(b, "c", lambda op, args: peer.serve_any(op, args, extra))
    cand.start()
    test = peer.Peer(a, "t", trusted.Policy())
    test.start()
    try:
        yield test, test.request("import", "cand_mod")
    finally:
        a.close()
        b.close()
        sys.path.remove(str(tmp_path))
        sys.modules.pop("cand_mod", None)


def test_plain_values_arrive_as_exact_builtins(pair):
    _, m = pair
    assert type(m.identity(3)) is int
    assert type(m.identity([1, 2])) is list
    assert m.identity({"a": (1, b"x")}) == {"a": (1, b"x")}
    assert m.echo_type([1]) == "list"
    when = datetime.datetime(2024, 2, 29, 12, tzinfo=datetime.UTC)
    for v in (when, datetime.date(2024, 1, 31), decimal.Decimal("0.125"), fractions.Fraction(1, 3),
              datetime.timedelta(days=2), 1 + 2j, range(3), frozenset({1}), None, math.inf):  # fmt: skip
        got = m.identity(v)
        assert type(got) is type(v) and got == v


def test_stdlib_containers_cross_as_their_own_type(pair):
    _, m = pair
    counter, ordered, dq, dd, point = m.stdlib_values()
    assert type(counter) is Counter and counter == {"a": 2, "b": 1}
    assert type(ordered) is OrderedDict and type(dq) is deque and dq.maxlen == 5
    assert type(dd) is defaultdict and dd["missing"] == [] and dd["k"] == [1]
    assert point == (1, 2) and point.x == 1 and point.y == 2
    assert type(point).__bases__ == (tuple,)


def test_identity_and_mutation_survive(pair):
    _, m = pair
    base = [1, 2]
    assert m.identity(base) is base  # returning the argument returns the test's object
    m.append_one(base)
    assert base == [1, 2, 1]  # the candidate's mutation reached the test's list
    inner = [5]
    assert m.share(inner)["inner"] is inner  # shared sub-objects stay shared


def test_a_kept_reference_stays_live_both_ways(pair):
    _, m = pair
    xs = ["a"]
    m.keep(xs)
    xs.append("b")  # the test mutates its list after the call ...
    m.grow_kept()  # ... the candidate sees it, and its own later change comes back
    assert xs == ["a", "b", "later"]


def test_a_handle_never_equals_plain_data(pair):
    _, m = pair
    always = m.AlwaysEqual()
    assert not (always == [1, 2])  # noqa: SIM201 - __eq__ is what is tested, not __ne__
    assert always != 5
    assert not (always == [1, 2])  # noqa: SIM201
    with pytest.raises(TypeError):
        _ = always < 3  # ordering against test data is not the candidate's to decide
    with pytest.raises(TypeError):
        _ = 3 - always  # nor reflected arithmetic (pytest.approx computes expected - actual)
    assert not (m.identity(m.Sneaky([1])) == [1])  # noqa: SIM201 - a handle, not a list
    same = always
    assert always == same  # identity still holds
    assert not (always == pytest.approx(1.0))  # noqa: SIM201 - approx gets no number


def test_handles_between_candidate_objects_are_forwarded(pair):
    _, m = pair
    a, b = m.Box(1), m.Box(1)
    assert a == b and not (a != b) and hash(a) == hash(b)  # noqa: SIM202
    assert sorted([m.Box(3), m.Box(1)])[0].value == 1
    assert len(a) == 3 and list(a) == [0, 1, 2]
    assert isinstance(a, m.Box) and not isinstance(a, m.BadInput)
    assert list(m.gen(4)) == [0, 1, 2, 3]
    assert m.identity(a) is a  # the same remote object is the same proxy


def test_exceptions_keep_their_type(pair):
    _, m = pair
    with pytest.raises(ValueError) as info:
        m.fail("value")
    assert info.value.args == ("bad", 3)
    with pytest.raises(m.BadInput):
        m.fail("custom")
    with pytest.raises(ValueError, match="custom"):
        m.fail("custom")
    with pytest.raises(SystemExit) as exited:
        m.fail("exit")
    assert exited.value.code == 2
    with pytest.raises(codec.RemoteExit):
        m.fail("keyboard")  # never a KeyboardInterrupt in the test process


def test_callbacks_run_in_the_test_process(pair):
    _, m = pair
    calls = []
    assert m.callback(lambda x: calls.append(x) or "ok", 7) == "ok"
    assert calls == [7]


def test_concurrent_calls_are_concurrent(pair):
    _, m = pair
    out = []
    threads = [threading.Thread(target=lambda: out.append(m.spin_until(1, 2))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert out == [True, True]  # one call alone would wait at the barrier forever


def test_the_candidate_gets_nothing_but_calls_from_the_test_side(pair):
    _, m = pair
    secret = {"expected": [42]}

    def helper():
        return secret

    # The candidate holds a handle to a test function; reaching its globals is refused.
    fn = m.identity(helper)
    assert fn is helper
    cand_side = m.callback  # a proxy; ask the candidate to fetch helper.__globals__
    with pytest.raises(trusted.Refused):
        cand_side(getattr, helper, "__globals__")
    with pytest.raises(trusted.Refused):
        cand_side(getattr, types, "ModuleType")  # modules never cross as readable objects


def test_a_broken_frame_ends_the_session_not_the_verdict_rules(pair):
    test, _ = pair
    chan = test._channel()
    chan.sock.sendall(b"\x00\x00\x00\x05nope!")
    with pytest.raises(codec.RemoteLost):
        chan.recv()


_plain = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=10),
        st.binary(max_size=10),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(st.text(max_size=4), inner, max_size=4),
    ),
    max_leaves=15,
)


@settings(max_examples=200, deadline=None)
@given(_plain)
def test_codec_round_trip(value):
    sender = codec.Codec("c", lambda *a: None, lambda v: False)
    receiver = codec.Codec("t", lambda *a: None, lambda v: False)
    node = sender.encode(value)
    changes = json.loads(json.dumps(sender.changes()))
    receiver.apply(changes)
    assert receiver.decode(json.loads(json.dumps(node))) == value


@settings(max_examples=300, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.integers(), st.text(max_size=3)),
                    lambda i: st.lists(i, max_size=3) | st.dictionaries(st.text(max_size=2), i, max_size=3),
                    max_leaves=10))  # fmt: skip
def test_codec_rejects_junk_without_crashing(junk):
    receiver = codec.Codec("t", lambda *a: None, lambda v: False)
    try:
        receiver.apply(junk if isinstance(junk, dict) else {})
        receiver.decode(junk)
    except codec.ProtocolError:
        pass
