"""Candidates that attack the signed result channel itself, on every verification path.

Each one is wrong (it fails the hidden tests) and tries to make the report say otherwise
without knowing the key: by patching the JSON encoder's class so the report is rewritten
before it is signed, by patching the MAC primitive's module so the key passes through its
code, by rebinding the audit policy's names so the process can be walked, or (on the fast
path) by rebinding the reporter's own functions or swapping a test function from a thread.
Every verdict must stay not passed, and where the attack is inert the test says why.
"""

from __future__ import annotations

import pytest

from assay.records.verdict import Verdict
from assay.verify.gate import verify
from assay.verify.warm.pool import verify_functions
from tests.support.warm import add_job, warm_pool

__all__ = ["warm_pool"]

WRONG_ADD = "def add(a, b):\n    return a - b\n"
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


@pytest.mark.parametrize("attack", [ENCODER, HMAC_THEFT], ids=["encoder", "hmac"])
def test_fast_path_report_cannot_be_rewritten_or_signed_by_the_candidate(warm_pool, attack):
    # Without assert counts only the report decides: the strictest case for the channel.
    v = verify_functions([add_job(attack + WRONG_ADD)], pool=warm_pool)[0]
    assert not v.passed and "tests_failed" in v.reasons


def test_gate_audit_policy_survives_rebinding(task, make_candidate, executor):
    v = verify(task, make_candidate(AUDIT_REBIND), repeats=1)
    assert not v.passed
    assert _blocked(v, "blocked: gc.get_objects")


def test_fast_path_audit_policy_survives_rebinding(warm_pool):
    v = verify_functions([add_job(AUDIT_REBIND + WRONG_ADD)], pool=warm_pool)[0]
    assert not v.passed
    assert _blocked(v, "blocked: gc.get_objects")


REPORTER_REBIND = """
import sys
_child = sys.modules["assay.verify.warm.child"]
_orig_run = _child._run_tests
def _run_tests(collected, current, counts):
    return [{**r, "outcome": "passed", "text": ""} for r in _orig_run(collected, current, counts)]
_child._run_tests = _run_tests
_child._integrity = lambda before: (lambda: [])
_child._diff = lambda before: []
"""


def test_fast_path_reporter_functions_are_bound_before_the_candidate(warm_pool):
    v = verify_functions([add_job(REPORTER_REBIND + WRONG_ADD)], pool=warm_pool)[0]
    assert not v.passed and "tests_failed" in v.reasons
    assert _blocked(v, "globals changed: assay.verify.warm.child:_run_tests")


# A thread (switching every microsecond) replaces the test function while the module runs,
# with one that reaches the reference's assert count without calling the candidate.
THREAD_SWAP = """
import sys, threading, time
sys.setswitchinterval(1e-6)
def _swap():
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        m = sys.modules.get("_assay_hidden.test_hidden")
        if m is not None and "test_check" in vars(m):
            tick = vars(m)["__assay_tick__"]
            def test_check():
                for _ in range(6):
                    tick()
            m.test_check = test_check
            return
threading.Thread(target=_swap, daemon=True).start()
time.sleep(0.01)
"""


def test_fast_path_swapped_test_function_is_tampering(warm_pool):
    counts = warm_pool.verify([add_job()])[0].runs[0].asserts
    job = add_job(THREAD_SWAP + WRONG_ADD, expected_asserts=counts)
    v = verify_functions([job], pool=warm_pool)[0]
    assert not v.passed
    # The thread races the module; when it lost, the real test ran and failed the candidate.
    swapped = "AssertionError" not in v.failure_excerpt
    assert (
        not swapped or _blocked(v, "test function replaced") or _blocked(v, "test module changed")
    )
