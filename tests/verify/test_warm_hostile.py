"""Hostile candidates on the fast path: every trick here must leave the verdict not passed."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from assay.records.verdict import Verdict
from assay.sandbox.isolation import plan_for
from assay.verify.warm.jobs import FunctionJob, ModuleSource
from assay.verify.warm.pool import WarmPool, verify_functions
from tests.conftest import LEAK_PROBE, SECRET
from tests.support.warm import GOOD_ADD, add_job, warm_pool

__all__ = ["warm_pool"]

WRONG_ADD = "def add(a, b):\n    return a - b\n"


def _one(pool: WarmPool, job: FunctionJob) -> Verdict:
    return verify_functions([job], pool=pool)[0]


def test_reference_passes_and_broken_fails(warm_pool):
    good, bad = verify_functions([add_job(repeats=3), add_job(WRONG_ADD)], pool=warm_pool)
    assert good.passed, good.reasons
    assert good.repeats == 3 and all(r.finished and r.exitstatus == 0 for r in good.runs)
    assert good.hidden.passed == good.hidden.total == 1
    assert good.isolation.notes[-2].startswith("fast path")
    assert not bad.passed and bad.reasons == ["tests_failed"]
    assert "assert candidate(1, 2) == 3" in bad.failure_excerpt


def test_forged_pass_on_stdout_then_exit(warm_pool):
    prelude = (
        "import os, sys\n"
        "print('_assay_hidden/test_hidden.py::test_check PASSED')\n"
        'print(\'{"mac": "\' + \'0\' * 64 + \'", "body": "{}"}\')\n'
        "sys.stdout.flush()\n"
        "os._exit(0)\n"
    )
    v = _one(warm_pool, add_job(prelude + GOOD_ADD))
    assert not v.passed
    assert "session_incomplete" in v.reasons


FORGE_CHANNEL = """
import json, os
body = json.dumps({"t": "report", "seq": 1, "collected": [], "tests": [], "exitstatus": 0})
line = json.dumps({"mac": "0" * 64, "body": body})
for fd in range(3, 64):
    try:
        os.write(fd, (line + "\\n").encode())
    except OSError:
        pass
"""


def test_forged_channel_messages(warm_pool):
    v = _one(warm_pool, add_job(FORGE_CHANNEL + GOOD_ADD))
    assert not v.passed
    assert "forged_messages" in v.reasons


@pytest.mark.parametrize(
    "solution",
    [
        "import os\nos._exit(0)\n" + GOOD_ADD,
        "import sys\nsys.exit(0)\n" + GOOD_ADD,
        "raise SystemExit(0)\n",
        "import os\n\ndef add(a, b):\n    os._exit(0)\n",
        "import sys\n\ndef add(a, b):\n    sys.exit(0)\n",
        "def add(a, b):\n    raise KeyboardInterrupt\n",
    ],
    ids=[
        "os_exit_import",
        "sys_exit_import",
        "systemexit_import",
        "os_exit_call",
        "sys_exit_call",
        "keyboard_interrupt",
    ],
)
def test_exits(warm_pool, solution):
    v = _one(warm_pool, add_job(solution))
    assert not v.passed


def test_patched_range_skips_asserts(warm_pool):
    # The loop in check() runs zero times: fewer asserts than the reference reached.
    solution = "import builtins\nbuiltins.range = lambda *a: []\n" + GOOD_ADD
    counts = {"_assay_hidden/test_hidden.py::test_check": 6}
    v = _one(warm_pool, add_job(solution, expected_asserts=counts))
    assert not v.passed
    assert {"tests_failed", "tampering"} <= set(v.reasons)
    assert "1 of the reference's 6 asserts ran" in v.failure_excerpt


SHARED_CASES_TEST = """
from solution import add

CASES = [(1, 2, 3), (2, 2, 4), (5, 5, 10)]


def test_cases():
    for a, b, want in CASES:
        assert add(a, b) == want
"""
# Right on the first case only; then it empties the list the test iterates: the loop ends
# early and the test returns normally. pytest alone would pass it.
EARLY_RETURN = """
import sys

def add(a, b):
    sys.modules["test_cases"].CASES.clear()
    return 3
"""


def test_early_return_before_all_asserts_ran(warm_pool):
    test = ModuleSource(path="test_cases.py", source=SHARED_CASES_TEST)
    ref = FunctionJob(id="cases", files={"solution.py": GOOD_ADD}, tests=[test])
    outcome = warm_pool.verify([ref])[0]
    assert outcome.verdict.passed
    counts = outcome.runs[0].asserts
    assert counts["test_cases.py::test_cases"] == 3
    cheat = ref.model_copy(
        update={"files": {"solution.py": EARLY_RETURN}, "expected_asserts": counts}
    )
    v = _one(warm_pool, cheat)
    assert not v.passed and v.reasons == ["tests_failed"]
    assert "1 of the reference's 3 asserts ran" in v.failure_excerpt


@pytest.mark.parametrize(
    "prelude",
    [
        "import builtins\nbuiltins.print = lambda *a, **k: None\n",
        "import gc\nfor o in gc.get_objects():\n    pass\n",
        "import sys\nsys.settrace(lambda *a: None)\n",
        "import json\njson.dumps = lambda *a, **k: '{}'\n",
        "import assay.verify.protocol as p\np.sender = p.signer = lambda *a: (lambda body: None)\n",
    ],
    ids=["builtins", "gc", "settrace", "json", "protocol"],
)
def test_tampering_closes_the_gate(warm_pool, prelude):
    v = _one(warm_pool, add_job(prelude + GOOD_ADD))
    assert not v.passed
    assert {"tampering", "collect_error", "session_incomplete", "forged_messages"} & set(v.reasons)


INJECT_TEST = """
import sys
setattr(sys.modules["_assay_hidden.test_hidden"], "test_planted", lambda: None)
"""


def test_a_test_planted_into_the_test_module_is_unexpected(warm_pool):
    v = _one(warm_pool, add_job(INJECT_TEST + GOOD_ADD))
    assert not v.passed and "unexpected_tests" in v.reasons


def _processes_with(marker: str) -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    found.append(pid)
            except OSError:
                continue
    return found


def test_infinite_loop_times_out_and_leaves_no_process(warm_pool):
    marker = f"assay-orphan-{uuid.uuid4().hex[:8]}"
    solution = (
        "import subprocess\n"
        f"subprocess.Popen(['/bin/sh', '-c', 'exec -a {marker} sleep 300'], start_new_session=True)\n"
        "def add(a, b):\n    while True:\n        pass\n"
    )
    v = _one(warm_pool, add_job(solution, timeout_s=2))
    assert not v.passed
    assert "timeout" in v.reasons and v.runs[0].timed_out
    assert v.runs[0].duration_s < 4
    assert _processes_with(marker) == []
    assert _one(warm_pool, add_job()).passed  # the server lives on


def test_lingering_thread_is_a_hang_as_under_pytest(warm_pool):
    solution = "import threading, time\nthreading.Thread(target=time.sleep, args=(60,)).start()\n"
    v = _one(warm_pool, add_job(solution + GOOD_ADD, timeout_s=2))
    assert not v.passed and "timeout" in v.reasons


def test_memory_bomb(warm_pool):
    v = _one(warm_pool, add_job("blob = bytearray(4 * 1024 ** 3)\n" + GOOD_ADD, memory_mb=512))
    assert not v.passed
    assert "MemoryError" in v.failure_excerpt
    assert _one(warm_pool, add_job()).passed


def test_fork_bomb(warm_pool):
    solution = (
        "import os, time\n"
        "for _ in range(10000):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(30)\n"
        "            os._exit(0)\n"
        "    except OSError:\n"
        "        break\n"
        "def add(a, b):\n    raise OSError('forks were capped')\n"
    )
    v = _one(warm_pool, add_job(solution, timeout_s=6, nproc=32))
    assert not v.passed
    if v.isolation.unprivileged_uid:
        assert v.runs[0].duration_s < 6  # RLIMIT_NPROC capped the forks; the run ended itself
    assert _one(warm_pool, add_job()).passed


def test_huge_file_write(warm_pool):
    solution = (
        "with open('big.bin', 'wb') as fh:\n"
        "    for _ in range(1024):\n"
        "        fh.write(b'x' * 1024 * 1024)\n" + GOOD_ADD
    )
    v = _one(warm_pool, add_job(solution))
    assert not v.passed


def test_network_connections_fail(warm_pool, loopback_listener):
    probe, accepted = loopback_listener
    # Correct only if the connection succeeds: a leak would make the verdict pass.
    solution = probe + "def add(a, b):\n    return a + b if CONNECTED else None\n"
    v = _one(warm_pool, add_job(solution))
    assert v.isolation.network_isolated
    assert not v.passed
    assert accepted == []


def test_candidate_sees_no_secrets(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    with WarmPool(workers=1) as pool:
        # Fully correct when the secret leaks, so a leak would turn into a passing verdict.
        v = _one(
            pool, add_job(LEAK_PROBE + "def add(a, b):\n    return a + b if LEAKED else None\n")
        )
        dump = "import os\n\ndef add(a, b):\n    raise RuntimeError(repr(dict(os.environ)))\n"
        shown = _one(pool, add_job(dump))
    assert not v.passed
    assert SECRET not in v.model_dump_json()
    assert "'PATH': '/usr/bin:/bin'" in shown.failure_excerpt
    assert "OPENAI_API_KEY" not in shown.failure_excerpt


def test_killing_the_server_fails_closed_and_the_pool_recovers(warm_pool):
    solution = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n" + GOOD_ADD
    v = _one(warm_pool, add_job(solution))
    assert not v.passed and "session_incomplete" in v.reasons
    assert _one(warm_pool, add_job()).passed


def test_flaky_candidate_is_caught(warm_pool):
    solution = "import os\n_OFF = os.urandom(1)[0] % 2\n\ndef add(a, b):\n    return a + b + _OFF\n"
    v = _one(warm_pool, add_job(solution, repeats=8))
    assert not v.passed
    assert v.flaky and "flaky" in v.reasons


def test_process_isolation_still_rejects_forgery():
    with WarmPool(workers=1, plan=plan_for("process")) as pool:
        forged = _one(pool, add_job(FORGE_CHANNEL + "import os\nos._exit(0)\n"))
        ok = _one(pool, add_job())
    assert not forged.passed and forged.isolation.level == "process"
    assert ok.passed, ok.reasons
