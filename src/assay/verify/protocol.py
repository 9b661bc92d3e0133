"""The result channel between the gate's pytest plugin and the parent (stdlib only).

The parent opens two pipes: it writes a fresh random key into the first and closes it; the
plugin reads the key before any candidate code is imported, closes that pipe, and sends one
JSON line per event on the second, each carrying an HMAC of its body under the key. Lines
without a valid MAC are counted as forgeries and fail the verdict.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

ENV_FDS = "ASSAY_GATE_FDS"
"""Environment variable holding ``KEY_FD,RESULT_FD`` for the plugin."""
PLUGIN = "assay.verify.plugin"
MAX_LINE = 1 << 20


def sign(key: bytes, body: dict[str, Any]) -> bytes:
    """Encode one message as a JSON line with its MAC."""
    payload = json.dumps(body, sort_keys=True, separators=(",", ":"))
    mac = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    return (json.dumps({"mac": mac, "body": payload}) + "\n").encode()


def open_line(key: bytes, line: bytes) -> dict[str, Any] | None:
    """Return the message of a line if its MAC is valid, else ``None``."""
    try:
        outer = json.loads(line)
        payload = outer["body"]
        mac = outer["mac"]
        if not isinstance(payload, str) or not isinstance(mac, str):
            return None
        want = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, mac):
            return None
        body = json.loads(payload)
    except (ValueError, KeyError, TypeError):
        return None
    return body if isinstance(body, dict) else None
