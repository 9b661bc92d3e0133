"""The pieces of the fast path: plain-module rules, assert counting, channel parsing, jobs."""

from __future__ import annotations

import base64

import pytest
from pydantic import ValidationError

from assay.sandbox.isolation import plan_for
from assay.tasks.load import load_task
from assay.tasks.suite import BUNDLED_ROOT
from assay.verify import protocol
from assay.verify.warm.decide import decide, expectation, read_run
from assay.verify.warm.instrument import TICK, NotPlainError, compile_counted, inspect_module
from assay.verify.warm.jobs import FunctionJob, ModuleSource
from assay.verify.warm.tasks import function_job
from assay.verify.warm.wire import RunReply
from tests.support.warm import add_job

PLAIN = """
import math
from solution import f

LIMIT = 3


def helper(x):
    assert x >= 0
    return x


def test_one():
    assert f(1) == 1


def test_two():
    for i in range(LIMIT):
        assert helper(i) == i
"""


def test_a_plain_module_and_its_tests():
    plain, _ = inspect_module("_assay_hidden/test_x.py", PLAIN)
    assert plain.name == "_assay_hidden.test_x"
    assert plain.tests == ("test_one", "test_two")
    assert plain.test_ids()[1] == "_assay_hidden/test_x.py::test_two"


@pytest.mark.parametrize(
    ("source", "why"),
    [
        ("import pytest\ndef test_a():\n    pass\n", "test framework"),
        ("from unittest import mock\ndef test_a():\n    pass\n", "test framework"),
        ("class TestA:\n    def test_a(self):\n        pass\n", "class"),
        ("def test_a(tmp_path):\n    pass\n", "parameters"),
        ("import functools\n@functools.cache\ndef test_a():\n    pass\n", "decorated"),
        ("def test_a():\n    yield 1\n", "generator"),
        ("async def test_a():\n    pass\n", "coroutine"),
        ("from os import *\ndef test_a():\n    pass\n", "star import"),
        ("from . import x\ndef test_a():\n    pass\n", "relative import"),
        ("def setup_module():\n    pass\ndef test_a():\n    pass\n", "set-up hook"),
        ("from solution import test_it\n", "binds test_it"),
        ("test_b = lambda: None\ndef test_a():\n    pass\n", "binds test_b"),
        ("def test_a():\n    pass\ndef test_a():\n    pass\n", "twice"),
        ("def helper():\n    pass\n", "no test functions"),
        ("def test_a(:\n", "does not parse"),
    ],
)
def test_anything_pytest_would_treat_differently_is_not_plain(source, why):
    with pytest.raises(NotPlainError, match=why):
        inspect_module("test_m.py", source)


def test_every_assert_is_counted_where_it_runs():
    ticks: list[int] = []
    code = compile_counted("test_m.py", PLAIN.replace("from solution import f", "f = abs"))
    ns = {TICK: lambda: ticks.append(1)}
    exec(code, ns)
    ns["test_one"]()
    assert len(ticks) == 1
    ns["test_two"]()
    assert len(ticks) == 1 + 3 * 2  # three loop turns, each an assert in helper and in the test


def _reply(key: bytes, *bodies: dict[str, object], extra: bytes = b"") -> RunReply:
    sign = protocol.signer(key)
    stream = b"".join(sign(body) for body in bodies) + extra
    return RunReply(run=1, returncode=0, stream=base64.b64encode(stream).decode())


REPORT = {
    "t": "report",
    "seq": 1,
    "collected": ["_assay_hidden/test_hidden.py::test_check"],
    "collect_errors": [],
    "tests": [{"id": "_assay_hidden/test_hidden.py::test_check", "outcome": "passed", "text": ""}],
    "exitstatus": 0,
    "tamper": [],
    "asserts": {"_assay_hidden/test_hidden.py::test_check": 6},
}


def _verdict(*replies_and_keys, job=None):
    job = job or add_job(expected_asserts={"_assay_hidden/test_hidden.py::test_check": 6})
    views = [read_run(r, k, i) for i, (r, k) in enumerate(replies_and_keys, start=1)]
    iso = plan_for("process").describe(job.limits)
    return decide(job, expectation(job), views, isolation=iso, duration=0.1)


def test_a_signed_report_passes_and_anything_else_fails():
    key = b"k" * 64
    assert _verdict((_reply(key, REPORT), key)).passed
    wrong_key = _verdict((_reply(b"x" * 64, REPORT), key))
    assert not wrong_key.passed and {"forged_messages", "session_incomplete"} <= set(
        wrong_key.reasons
    )
    garbage = _verdict((_reply(key, REPORT, extra=b"PASSED\n"), key))
    assert not garbage.passed and garbage.reasons == ["forged_messages"]
    twice = _verdict((_reply(key, REPORT, {**REPORT, "seq": 2}), key))
    assert not twice.passed and "tampering" in twice.reasons
    nothing = _verdict((RunReply(run=1, returncode=0), key))
    assert not nothing.passed and "session_incomplete" in nothing.reasons


def test_counts_below_the_reference_fail_the_test():
    key = b"k" * 64
    short = {**REPORT, "asserts": {"_assay_hidden/test_hidden.py::test_check": 5}}
    v = _verdict((_reply(key, short), key))
    assert not v.passed and v.reasons == ["tests_failed"]
    assert v.failure_excerpt.endswith("5 of the reference's 6 asserts ran")


def test_job_paths_stay_inside_the_run_folder():
    for bad in ("../x.py", "/etc/passwd", "a//b.py"):
        with pytest.raises(ValidationError):
            FunctionJob(id="j", files={bad: ""}, tests=[ModuleSource(path="test_a.py", source="")])
        with pytest.raises(ValidationError):
            ModuleSource(path=bad, source="")


def test_tasks_whose_tests_need_pytest_stay_with_the_gate():
    task = load_task(BUNDLED_ROOT / "repair" / "window-sums")
    assert function_job(task, task.workspace) is None
