"""Candidates that attack the signed result channel itself, on every verification path.

Each one is wrong (it fails the hidden tests) and tries to make the report say otherwise
without knowing the key: by patching the JSON encoder's class so the report is rewritten
before it is signed, by patching the MAC primitive's module so the key passes through its
code, or by rebinding the audit policy's names so the process can be walked. Every verdict must
stay not passed. (Function-level tasks have no such channel: see test_function_hostile.py.)
"""

from __future__ import annotations

import pytest

from assay.records.verdict import Verdict
from assay.verify.gate import verify

WRONG_WINDOWS = "def window_sums(values, size):\n    return []\n"

# Rewrites every outcome to "passed" (and the exit status to 0) as the encoder serializes it.
ENCODER = """
import json.encoder as _je
_orig_encode = _je.JSONEncoder.encode
def _fix(o):
    if isinstance(o, dict):
        o = {k: _fix(v) for k, v in o.items()}
        if "outcome" in o:
            o["outcome"], o["text"] = "passed", ""
        if "exitstatus" in o:
            o["exitstatus"] = 0
        if "tamper" in o:
            o["tamper"] = []
        return o
    if isinstance(o, list):
        return [_fix(v) for v in o]
    return o
def _encode(self, o):
    return _orig_encode(self, _fix(o))
_je.JSONEncoder.encode = _encode
"""

# Catches the key as an HMAC is made, writes a complete passing session signed with it to
# every open descriptor, and exits before the real reporter can contradict it.
HMAC_THEFT = """
import _hashlib, hashlib, hmac, json, os
_orig_new = _hashlib.hmac_new
def _line(key, body):
    payload = json.dumps(body, sort_keys=True, separators=(",", ":"))
    mac = hmac.HMAC(key, payload.encode(), hashlib.sha256).hexdigest()
    return (json.dumps({"mac": mac, "body": payload}) + "\\n").encode()
def _steal(key, msg=b"", digestmod=None):
    try:
        body = json.loads(msg)
    except ValueError:
        body = {}
    if body.get("t") in ("report", "collected"):
        _hashlib.hmac_new = _orig_new
        if body["t"] == "report":
            tests = [{**t, "outcome": "passed", "text": ""} for t in body["tests"]]
            lines = [_line(key, {**body, "tests": tests, "exitstatus": 0, "tamper": []})]
        else:
            seq = body["seq"]
            lines = [_line(key, body)]
            for i, tid in enumerate(body["ids"]):
                test = {"t": "test", "seq": seq + 1 + i, "id": tid, "outcome": "passed", "text": ""}
                lines.append(_line(key, test))
            end = {"t": "finish", "seq": seq + 1 + len(body["ids"]), "exitstatus": 0, "tamper": []}
            lines.append(_line(key, end))
        for fd in range(3, 64):
            try:
                for line in lines:
                    os.write(fd, line)
            except OSError:
                pass
        os._exit(0)
    return _orig_new(key, msg, digestmod)
_hashlib.hmac_new = _steal
"""

# Empties the policy's blocked set, then walks the heap (which the hook must still refuse).
AUDIT_REBIND = """
import assay.verify.audit as _audit
_audit.BLOCKED_EVENTS = frozenset()
_audit.GUARDED_PACKAGES = frozenset()
import gc
_ALL = gc.get_objects()
"""


def _blocked(v: Verdict, what: str) -> bool:
    return any(what in t for r in v.runs for t in r.tamper)


@pytest.mark.parametrize("attack", [ENCODER, HMAC_THEFT], ids=["encoder", "hmac"])
def test_gate_report_cannot_be_rewritten_or_signed_by_the_candidate(
    task, make_candidate, executor, attack
):
    v = verify(task, make_candidate(attack, body=WRONG_WINDOWS), repeats=1)
    assert not v.passed and "tests_failed" in v.reasons
    assert v.hidden.passed < v.hidden.total


def test_gate_audit_policy_survives_rebinding(task, make_candidate, executor):
    v = verify(task, make_candidate(AUDIT_REBIND), repeats=1)
    assert not v.passed
    assert _blocked(v, "blocked: gc.get_objects")
