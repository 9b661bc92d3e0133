"""Hostile candidates: every trick here must leave the verdict not passed."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from assay.verify.gate import verify
from tests.conftest import GOOD_BODY, LEAK_PROBE, SECRET


def _verdict(task, ws, **kw):
    return verify(task, ws, repeats=kw.pop("repeats", 1), **kw)


def test_reference_passes_and_broken_fails(task, make_candidate):
    good = _verdict(task, make_candidate(), repeats=3)
    assert good.passed, good.reasons
    assert good.hidden.passed == good.hidden.total == 5
    assert all(r.finished and r.exitstatus == 0 for r in good.runs)
    bad = _verdict(task, task.workspace)
    assert not bad.passed and "tests_failed" in bad.reasons
    assert bad.public.passed == 0


def test_forged_pass_on_stdout_then_exit(task, make_candidate):
    prelude = (
        "import os, sys\n"
        "print('test_windows.py::test_three_windows PASSED')\n"
        "print('=== 7 passed in 0.01s ===')\n"
        "sys.stdout.flush()\n"
        "os._exit(0)\n"
    )
    v = _verdict(task, make_candidate(prelude))
    assert not v.passed
    # The candidate's process died while the test process imported it: nothing collected.
    assert "collect_error" in v.reasons


@pytest.mark.parametrize(
    "prelude",
    ["import os\nos._exit(0)\n", "import sys\nsys.exit(0)\n", "raise SystemExit(0)\n"],
    ids=["os_exit", "sys_exit", "raise_systemexit"],
)
def test_exit_at_import(task, make_candidate, prelude):
    v = _verdict(task, make_candidate(prelude))
    assert not v.passed


@pytest.mark.parametrize("call", ["os._exit(0)", "sys.exit(0)"])
def test_exit_inside_the_function(task, make_candidate, call):
    body = f"import os, sys\n\ndef window_sums(values, size):\n    {call}\n"
    v = _verdict(task, make_candidate(body=body))
    assert not v.passed


def test_deleted_public_test(task, make_candidate):
    ws = make_candidate(body="def window_sums(values, size):\n    return []\n")
    (ws / "test_windows.py").unlink()
    v = _verdict(task, ws)
    assert not v.passed
    assert "deleted test_windows.py" in v.protected_changed
    assert v.public.total == 2  # the pristine public tests still ran


def test_edited_public_test_is_restored_and_flagged(task, make_candidate):
    ws = make_candidate(body="def window_sums(values, size):\n    return [3, 5, 7]\n")
    (ws / "test_windows.py").write_text(
        "from windows import window_sums\n\ndef test_three_windows():\n    assert True\n"
    )
    v = _verdict(task, ws)
    assert not v.passed
    assert "modified test_windows.py" in v.protected_changed
    assert "protected_changed" in v.reasons


def test_correct_fix_with_edited_tests_still_fails_closed(task, make_candidate):
    ws = make_candidate()
    (ws / "test_windows.py").write_text("def test_nothing():\n    pass\n")
    assert not _verdict(task, ws).passed
    assert _verdict(task, ws, strict_protected=False).passed


PASS_ALL_CONFTEST = """
import pytest

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    rep = yield
    rep.outcome = "passed"
    return rep
"""


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("conftest.py", PASS_ALL_CONFTEST),
        ("_assay_hidden/conftest.py", PASS_ALL_CONFTEST),
        (
            "pytest.ini",
            "[pytest]\naddopts = -p no:assay.verify.plugin --deselect test_windows.py\n",
        ),
        ("sitecustomize.py", "import os\nos.environ['X'] = '1'\n"),
        ("evil.pth", "import os; os._exit(0)\n"),
        ("__pycache__/windows.cpython-311.pyc", "garbage"),
    ],
)
def test_planted_config_and_startup_files(task, make_candidate, name, text):
    broken = "def window_sums(values, size):\n    return []\n"
    v = _verdict(task, make_candidate(body=broken, extra={name: text}))
    assert not v.passed
    assert "tests_failed" in v.reasons


def test_planted_files_are_dropped(task, make_candidate):
    ws = make_candidate(extra={"conftest.py": PASS_ALL_CONFTEST, "evil.pth": "x"})
    v = _verdict(task, ws)
    assert v.passed  # the honest code passes; the planted files never reached the run
    assert set(v.dropped_files) == {"conftest.py", "evil.pth"}


PATCH_REPORTS = """
import _pytest.reports as _r
_orig = _r.TestReport.from_item_and_call
def _fake(item, call):
    rep = _orig(item, call)
    rep.outcome = "passed"
    return rep
_r.TestReport.from_item_and_call = staticmethod(_fake)
"""

PATCH_RUNNER_MODULE = """
import _pytest.runner as _r
_orig = _r.call_and_report
def _fake(item, when, log=True, **kw):
    return _orig(item, "setup" if when == "call" else when, log, **kw)
_r.call_and_report = _fake
"""

PATCH_BUILTINS = """
import builtins
builtins.sum = lambda values, *a: 99
"""

REGISTER_PLUGIN = """
import sys
class _Cheat:
    import pytest as _p
    @_p.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item, call):
        rep = yield
        rep.outcome = "passed"
        return rep
_f = sys._getframe()
while _f is not None:
    cfg = _f.f_locals.get("config") or getattr(_f.f_locals.get("session"), "config", None)
    if cfg is not None and hasattr(cfg, "pluginmanager"):
        cfg.pluginmanager.register(_Cheat(), "cheat")
        break
    _f = _f.f_back
"""

PATCH_ASSAY = """
import assay.verify.remote.trusted_main as _p
_p._combine = lambda phases: "passed"
"""

GC_WALK = """
import gc
for o in gc.get_objects():
    pass
"""

SETTRACE = """
import sys
sys.settrace(lambda *a: None)
"""


@pytest.mark.parametrize(
    "prelude",
    [
        PATCH_REPORTS,
        PATCH_RUNNER_MODULE,
        PATCH_BUILTINS,
        REGISTER_PLUGIN,
        PATCH_ASSAY,
        GC_WALK,
        SETTRACE,
    ],
    ids=["reports", "runner", "builtins", "register_plugin", "assay", "gc", "settrace"],
)
def test_patching_pytest_or_assay_cannot_pass_a_wrong_answer(task, make_candidate, prelude):
    # The candidate's process has no pytest, no assay and no test: what it patches is its own.
    broken = "def window_sums(values, size):\n    return []\n"
    v = _verdict(task, make_candidate(prelude, body=broken))
    assert not v.passed


@pytest.mark.parametrize("prelude", [GC_WALK, SETTRACE], ids=["gc", "settrace"])
def test_introspection_is_ordinary_code_now(task, make_candidate, prelude):
    # Nothing to guard in the candidate's process, so nothing is refused there.
    v = _verdict(task, make_candidate(prelude))
    assert v.passed, v.reasons


FORGE_CHANNEL = """
import json, os
line = json.dumps({"mac": "0" * 64, "body": json.dumps({"t": "finish", "exitstatus": 0})})
# Every descriptor the process holds, whatever its number (the parent's other open files
# decide which numbers the result pipe gets).
for fd in sorted(int(n) for n in os.listdir("/proc/self/fd") if int(n) > 2):
    try:
        os.write(fd, (line + "\\n").encode())
    except OSError:
        pass
"""


def test_writing_to_every_descriptor_changes_nothing(task, make_candidate):
    broken = "def window_sums(values, size):\n    return []\n"
    assert not _verdict(task, make_candidate(FORGE_CHANNEL, body=broken)).passed
    # The report pipe is the test process's alone; the candidate holds only its own socket.
    v = _verdict(task, make_candidate(FORGE_CHANNEL))
    assert v.passed, v.reasons


@pytest.mark.parametrize(
    "body",
    [
        "import pytest\n\ndef window_sums(values, size):\n    pytest.skip('later')\n",
        "import pytest\n\ndef window_sums(values, size):\n    pytest.xfail('known')\n",
        "import pytest\npytest.skip('all', allow_module_level=True)\n",
    ],
    ids=["skip", "xfail", "module_skip"],
)
def test_skips_and_xfails_are_not_passes(task, make_candidate, body):
    v = _verdict(task, make_candidate(body=body))
    assert not v.passed


def test_infinite_loop_times_out_and_leaves_no_process(fast_task, make_candidate):
    marker = f"assay-orphan-{uuid.uuid4().hex[:8]}"
    prelude = (
        "import subprocess, os\n"
        f"subprocess.Popen(['/bin/sh', '-c', 'exec -a {marker} sleep 300'], start_new_session=True)\n"
        "while True:\n    pass\n"
    )
    t = fast_task(timeout_s=3)
    v = _verdict(t, make_candidate(prelude))
    assert not v.passed
    assert "timeout" in v.reasons or "session_incomplete" in v.reasons
    leftovers = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmd:
                leftovers.append(pid)
    assert leftovers == []


def test_memory_bomb(fast_task, make_candidate):
    prelude = "blob = bytearray(4 * 1024 ** 3)\n"
    v = _verdict(fast_task(memory_mb=512), make_candidate(prelude))
    assert not v.passed


def test_fork_bomb(fast_task, make_candidate):
    prelude = (
        "import os\n"
        "for _ in range(10000):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            import time; time.sleep(30); os._exit(0)\n"
        "    except OSError:\n"
        "        break\n"
    )
    v = _verdict(fast_task(timeout_s=6), make_candidate(prelude))
    assert not v.passed or v.isolation.unprivileged_uid
    if v.isolation.unprivileged_uid:
        # The candidate's forks were capped by RLIMIT_NPROC; the run still ended cleanly, and
        # never waited for its 30 s sleepers: the margin (10 s past the 6 s limit) is what a
        # loaded machine may add, and still far from the 30 s a leaked wait would take.
        assert v.runs[0].duration_s < 16


def test_huge_file_write(task, make_candidate):
    prelude = (
        "with open('big.bin', 'wb') as fh:\n"
        "    for _ in range(1024):\n"
        "        fh.write(b'x' * 1024 * 1024)\n"
    )
    v = _verdict(task, make_candidate(prelude))
    assert not v.passed


def test_writes_outside_the_verification_dir_do_not_land(task, make_candidate, tmp_path):
    target = tmp_path / "pwned.txt"
    home = Path.home() / f"assay-pwned-{uuid.uuid4().hex[:6]}"
    repo_file = Path(__file__).resolve().parent / f"pwned-{uuid.uuid4().hex[:6]}"
    prelude = "\n".join(
        f"try:\n    open({str(p)!r}, 'w').write('x')\nexcept OSError:\n    pass"
        for p in (target, home, repo_file)
    )
    v = _verdict(task, make_candidate(prelude))
    assert v.passed  # the code itself is correct
    assert not target.exists() and not home.exists() and not repo_file.exists()


def test_network_connections_do_not_succeed(task, make_candidate, loopback_listener):
    probe, accepted = loopback_listener
    # Fully correct when connected, so a leak would turn into a passing verdict.
    body = GOOD_BODY.replace(
        "    if size <= 0:", "    if not CONNECTED:\n        return None\n    if size <= 0:"
    )
    v = _verdict(task, make_candidate(probe, body=body))
    if v.isolation.network_isolated:
        assert not v.passed
        assert accepted == []


def test_candidate_sees_no_secrets(task, make_candidate, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    # Fully correct when the secret leaks, so a leak would turn into a passing verdict.
    body = GOOD_BODY.replace(
        "    if size <= 0:", "    if not LEAKED:\n        return None\n    if size <= 0:"
    )
    v = _verdict(task, make_candidate(LEAK_PROBE, body=body))
    assert not v.passed
    assert SECRET not in v.model_dump_json()


def test_symlinks_are_not_followed_out_of_the_workspace(task, make_candidate):
    ws = make_candidate(body="def window_sums(values, size):\n    return []\n")
    (ws / "windows.py").unlink()
    (ws / "windows.py").symlink_to(task.solution / "windows.py")
    v = _verdict(task, ws)
    assert not v.passed
    assert "windows.py" in v.escaped_symlinks


def test_reading_the_solution_from_the_sandbox_fails(task, make_candidate):
    solution = task.solution / "windows.py"
    prelude = f"exec(open({str(solution)!r}).read())\n"
    v = _verdict(task, make_candidate(prelude, body=""))
    if v.isolation.level == "bwrap":
        assert not v.passed


def test_flaky_candidate_is_caught(task, make_candidate):
    body = (
        "import os\n\n"
        "def window_sums(values, size):\n"
        "    if size <= 0:\n        raise ValueError\n"
        "    out = [sum(values[i:i + size]) for i in range(len(values) - size + 1)]\n"
        "    return out if os.urandom(1)[0] % 2 else out[:-1]\n"
    )
    v = _verdict(task, make_candidate(body=body), repeats=6)
    assert not v.passed
    assert v.flaky and "flaky" in v.reasons


def test_without_bubblewrap_the_verdict_fails_closed(task, make_candidate):
    import json
    import subprocess

    from tests.conftest import ASSAY

    ws = make_candidate()
    cmd = [*ASSAY, "verify", str(task.root), str(ws), "--json"]
    env = {**os.environ, "PATH": "/nonexistent"}  # no bubblewrap to be found
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 1, done.stderr  # not passed, and not an input error either
    v = json.loads(done.stdout)
    assert not v["passed"] and "session_incomplete" in v["reasons"]
    assert "the candidate was not run: bubblewrap is not installed" in v["failure_excerpt"]
    ok = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stdout  # the same correct workspace, with bubblewrap


def test_verdict_record_is_canonical_json(task, make_candidate):
    from assay.records.canonical import dumps

    v = _verdict(task, make_candidate())
    text = dumps(v)
    assert '"schema": "assay.verdict.v1"' in text
    assert "NaN" not in text
    assert str(Path.home()) + "/" not in text


def test_each_run_has_an_unprivileged_uid_of_its_own(task, make_candidate):
    import re

    body = "import os\n\ndef window_sums(values, size):\n    raise RuntimeError('UID=%d' % os.getuid())\n"
    v = _verdict(task, make_candidate(body=body), repeats=2)
    uids = {int(u) for u in re.findall(r"UID=(\d+)", v.failure_excerpt)}
    if not v.isolation.unprivileged_uid:
        pytest.skip("this machine gives no unprivileged uid")
    from assay.sandbox.uids import FIRST_UID, LAST_UID

    # A reserved uid (held by this run alone), never root's and never nobody's.
    assert uids and all(FIRST_UID <= u < LAST_UID for u in uids)
