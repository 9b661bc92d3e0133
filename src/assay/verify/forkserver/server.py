"""The fork server (runs inside the sandbox; stdlib and pytest only).

Protocol: one JSON job per line on stdin; one JSON answer per job on stdout. The server is
made non-dumpable so a child of the same uid cannot open its ``/proc`` entries (and so not
its stdout pipe).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import json
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
from typing import Any

_PR_SET_DUMPABLE = 4
_READ_CAP = 16 * 1024 * 1024


def _non_dumpable() -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def _warm_up() -> str:
    """Run pytest once on a trivial test so that its lazy imports happen here, not per child.

    Returns the warm-up folder (kept: the sweep must not delete it while it is in use).
    """
    import pytest

    folder = tempfile.mkdtemp(prefix="warm-")
    path = os.path.join(folder, "test_warm.py")
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("def test_warm():\n    assert [1] == [1]\n")
    null = os.open(os.devnull, os.O_WRONLY)
    saved = os.dup(1), os.dup(2)
    os.dup2(null, 1)
    os.dup2(null, 2)
    try:
        pytest.main(["-q", "-p", "no:cacheprovider", "-p", "assay.verify.plugin", path])
    finally:
        sys.stdout.flush()  # pytest's output must land in /dev/null, not in the protocol
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
    sys.modules.pop("test_warm", None)
    return folder


def _child(job: dict[str, Any], key_r: int, res_w: int, base_path: list[str]) -> None:
    """Become the test process of one run (never returns)."""
    code = 70
    try:
        os.setsid()
        limits = job["limits"]
        mb = 1024 * 1024
        resource.setrlimit(resource.RLIMIT_CPU, (limits["cpu_s"], limits["cpu_s"] + 1))
        resource.setrlimit(resource.RLIMIT_AS, (limits["memory_mb"] * mb,) * 2)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limits["fsize_mb"] * mb,) * 2)
        out = os.open(job["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        err = os.open(job["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(out, 1)
        os.dup2(err, 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        keep = {0, 1, 2, key_r, res_w}
        for name in os.listdir("/proc/self/fd"):
            if int(name) not in keep:
                with contextlib.suppress(OSError):
                    os.close(int(name))
        os.chdir(job["workdir"])
        os.environ.clear()
        os.environ.update(job["env"])
        os.environ["ASSAY_GATE_FDS"] = f"{key_r},{res_w}"
        sys.path[:] = base_path
        sys.argv = ["pytest"]
        import pytest

        code = int(pytest.main(job["argv"]))
    except BaseException:  # the run failed before pytest could report; the parent sees it
        code = 71
    finally:
        os._exit(code)


def _sweep(keep: set[int], tmp_keep: str) -> None:
    """Kill every process of this pid namespace but init and the server; empty /tmp.

    Nothing one run leaves behind (a daemon, a file in /tmp) may reach the next run.
    """
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) not in keep:
            with contextlib.suppress(OSError):
                os.kill(int(entry), signal.SIGKILL)
    for name in os.listdir("/tmp"):
        path = os.path.join("/tmp", name)
        if path == tmp_keep:
            continue
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            _unlink(path)


def _unlink(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _run(job: dict[str, Any], base_path: list[str]) -> dict[str, Any]:
    key_r, key_w = os.pipe()
    res_r, res_w = os.pipe()
    os.write(key_w, job["key"].encode())
    os.close(key_w)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(res_r)
        _child(job, key_r, res_w, base_path)
    os.close(key_r)
    os.close(res_w)
    data = b""
    timed_out = False
    deadline = start + float(job["timeout_s"])
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            timed_out = True
            break
        ready, _, _ = select.select([res_r], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(res_r, 65536)
            if not chunk:
                break
            if len(data) < _READ_CAP:
                data += chunk
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    _sweep({1, os.getpid()}, job["tmp_keep"])
    os.close(res_r)
    returncode = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return {
        "id": job["id"],
        "lines": data.decode("utf-8", "replace").splitlines(),
        "overflow": len(data) >= _READ_CAP,
        "returncode": returncode,
        "timed_out": timed_out,
        "duration_s": round(time.monotonic() - start, 4),
    }


def main() -> None:
    """Warm up, then serve jobs until stdin closes."""
    _non_dumpable()
    warm_folder = _warm_up()
    base_path = list(sys.path)
    gc.collect()
    gc.freeze()  # children's collections then leave the server's objects (and pages) alone
    sys.stdout.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    sys.stdout.flush()
    for line in sys.stdin:
        if not line.strip():
            continue
        job = json.loads(line)
        job["tmp_keep"] = warm_folder
        answer = _run(job, base_path)
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
