"""The result channel between the code that runs the tests and the parent (stdlib only).

The parent gives the test process a fresh random key before any candidate code is imported;
the test process sends one JSON line per event, each carrying a MAC of its body under the key.
Lines without a valid MAC are counted as forgeries and fail the verdict.

Candidate code shares the test process, so the signing path must not look anything up by name
once the key is held: a candidate can rebind module attributes (``json.dumps``,
``_hashlib.hmac_new``) and patch Python classes (``json.JSONEncoder.encode``) to see the key or
rewrite a report before it is signed. :func:`signer` therefore binds, when it is created, only
callables of built-in types a candidate cannot alter: a keyed BLAKE2b object (copied per
message), the C JSON encoder's bound ``__call__``, and ``str`` methods.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from _json import encode_basestring_ascii, make_encoder
from collections.abc import Callable
from typing import Any

ENV_FDS = "ASSAY_GATE_FDS"
"""Environment variable holding ``KEY_FD,RESULT_FD`` for the plugin."""
PLUGIN = "assay.verify.plugin"
MAX_LINE = 1 << 20
_DIGEST = 32

Signer = Callable[[dict[str, Any]], bytes]
Sender = Callable[[dict[str, Any]], None]


def _unencodable(obj: object) -> object:
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def signer(key: bytes) -> Signer:
    """Return a function that encodes one message as a JSON line with its MAC under ``key``.

    Everything it calls is bound here (see the module's docstring): create it before any
    candidate code runs, and keep it where candidate code cannot name it.
    """
    fresh = hashlib.blake2b(key=key, digest_size=_DIGEST).copy
    # The bound method-wrapper keeps the C encoder's own call even if its type is patched.
    encode = make_encoder(
        None, _unencodable, encode_basestring_ascii, None, ":", ",", True, False, False
    ).__call__
    join, to_bytes = "".join, str.encode

    def sign(body: dict[str, Any]) -> bytes:
        payload = join(encode(body, 0))
        mac = fresh()
        mac.update(to_bytes(payload))
        return to_bytes(join(encode({"body": payload, "mac": mac.hexdigest()}, 0)) + "\n")

    return sign


def sender(key: bytes, fd: int) -> Sender:
    """Return a function that signs one message and writes the whole line to ``fd``.

    Bound like :func:`signer`, and for the same reason: ``os.write`` and ``memoryview`` are
    taken now, so rebinding them later neither sees nor drops a report.
    """
    sign, write, view_of = signer(key), os.write, memoryview

    def send(body: dict[str, Any]) -> None:
        view = view_of(sign(body))
        while view:
            view = view[write(fd, view) :]

    return send


def open_line(key: bytes, line: bytes) -> dict[str, Any] | None:
    """Return the message of a line if its MAC is valid, else ``None``."""
    try:
        outer = json.loads(line)
        payload = outer["body"]
        mac = outer["mac"]
        if not isinstance(payload, str) or not isinstance(mac, str):
            return None
        want = hashlib.blake2b(payload.encode(), key=key, digest_size=_DIGEST).hexdigest()
        if not hmac.compare_digest(want, mac):
            return None
        body = json.loads(payload)
    except (ValueError, KeyError, TypeError):
        return None
    return body if isinstance(body, dict) else None
