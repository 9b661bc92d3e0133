"""The fork server inside the function sandbox: standard library only, holds nothing secret.

It is started by :mod:`assay.verify.function.slots` under bubblewrap as a slot's own
unprivileged uid, from ``/usr/bin/python3 -I -S`` with only this file and :mod:`wire` bound
in. It receives one job at a time on stdin (a candidate's source, its entry point and its
inputs; never an expected value) and forks a child per job. The child runs the candidate
and writes one JSON line per input to its own pipe; the server relays those bytes to the
trusted parent as they come, then kills every other process in the sandbox's pid namespace,
empties ``/tmp`` and reports how the child ended. The parent keeps every deadline: a
stopped or killed server only fails the job it was running.

Frames to the parent: one kind byte (``C`` child bytes, ``E`` end of job), a 4-byte
big-endian length, the payload.
"""

import contextlib
import ctypes
import gc
import json
import os
import resource
import select
import shutil
import signal
import struct
import sys
import time
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assay.verify.function import wire
else:
    import wire  # bound next to this file; the launcher puts its folder on sys.path

RUN_DIR = "/tmp/run"
RELAY_CAP = 32 * 1024 * 1024
_PR_SET_DUMPABLE = 4


def nondumpable() -> bool:
    """Forbid ptrace and /proc/PID/mem access to this process (children inherit it)."""
    try:
        return bool(ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def read_exact(fd: int, n: int) -> bytes:
    """Read exactly ``n`` bytes (b"" at end of file)."""
    buf = b""
    while len(buf) < n:
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            return b""
        buf += chunk
    return buf


def send(kind: bytes, payload: bytes) -> None:
    """Write one frame to the parent (stdout)."""
    data = kind + struct.pack(">I", len(payload)) + payload
    view = memoryview(data)
    while view:
        view = view[os.write(1, view) :]


def _limits(lim: dict[str, int]) -> None:
    mb = 1024 * 1024
    cpu = int(lim["cpu_s"])
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (lim["memory_mb"] * mb, lim["memory_mb"] * mb))
    resource.setrlimit(resource.RLIMIT_FSIZE, (lim["fsize_mb"] * mb, lim["fsize_mb"] * mb))
    resource.setrlimit(resource.RLIMIT_NOFILE, (lim["nofile"], lim["nofile"]))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _line(fd: int, text: str) -> None:
    data = (text + "\n").encode()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _call_all(fd: int, fn: Any, inputs: list[Any], not_none: bool) -> None:
    for i, raw in enumerate(inputs):
        args: Any = wire.decode(raw)
        start = time.perf_counter()
        try:
            out = fn(*args)
            if not_none and type(out) is not bool:
                out = out is not None  # EvalPlus compares only this for such tasks
        except BaseException as exc:
            name = type(exc).__name__
            _line(fd, json.dumps({"i": i, "exc": name, "t": time.perf_counter() - start}))
            continue
        spent = time.perf_counter() - start
        try:
            text = wire.dumps(out)
        except (wire.Unserializable, RecursionError, ValueError):
            _line(fd, json.dumps({"i": i, "unser": type(out).__name__, "t": spent}))
            continue
        _line(fd, f'{{"i":{i},"t":{spent!r},"v":{text}}}')


def _drop(uid_text: str | None, nproc: int) -> None:
    """Become the slot's uid (when the server is root) before any candidate code; or die."""
    if uid_text is None:
        return
    uid = int(uid_text)
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)
    if os.getresuid() != (uid, uid, uid) or os.getresgid() != (uid, uid, uid):
        os._exit(4)  # never run a candidate as anything but the slot's uid


def _child(job: dict[str, Any], fd: int) -> None:
    """Run one job in the forked child; never returns."""
    code = 0
    try:
        _drop(os.environ.get("ASSAY_CHILD_UID"), 256)
        os.setsid()
        os.dup2(fd, 3)
        null = os.open("/dev/null", os.O_RDWR)
        for target in (0, 1, 2):
            os.dup2(null, target)
        os.closerange(4, 1 << 16)
        os.mkdir(RUN_DIR, 0o700)  # the child's own, as its uid
        os.chdir(RUN_DIR)
        os.environ.update({"TMPDIR": "/tmp", "HOME": "/tmp"})
        _limits(job["limits"])
        sys.path.insert(0, RUN_DIR)
        name = job.get("module", "solution")
        path = os.path.join(RUN_DIR, name + ".py")
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(job["source"])  # for tracebacks and inspect; the code comes from the job
        # Executed as EvalPlus does (exec of the source), without the import system's path
        # searches (a third of a trivial job); registered so pickling and self-imports work.
        mod = types.ModuleType(name)
        mod.__file__ = path
        sys.modules[name] = mod
        exec(compile(job["source"], path, "exec"), mod.__dict__)
        _line(3, '{"ready":true}')
        if job.get("mode") == "snippets":
            for i, snippet in enumerate(job["snippets"]):
                try:
                    exec(compile(snippet, "<snippet>", "exec"), mod.__dict__)
                    _line(3, json.dumps({"i": i, "t": 0.0, "v": True}))
                except BaseException as exc:
                    _line(3, json.dumps({"i": i, "exc": type(exc).__name__, "t": 0.0}))
        else:
            _call_all(3, getattr(mod, job["entry"]), job["inputs"], bool(job.get("not_none")))
        _line(3, '{"end":true}')
    except BaseException as exc:
        try:
            _line(3, json.dumps({"load_error": type(exc).__name__, "msg": str(exc)[:300]}))
        except BaseException:
            code = 3
    os._exit(code)


def _sweep() -> None:
    """Kill every other process of this pid namespace (pid 1, bubblewrap, is spared)."""
    me = os.getpid()
    for _ in range(200):
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        left = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]
        if not left:
            return
        time.sleep(0.001)


def _empty_tmp() -> None:
    for root in ("/tmp", "/dev/shm"):
        try:
            names = os.listdir(root)
        except OSError:
            continue
        for name in names:
            path = os.path.join(root, name)
            try:
                os.chmod(path, 0o700)
                if os.path.isdir(path) and not os.path.islink(path):
                    for dirpath, dirnames, _ in os.walk(path):
                        for d in dirnames:
                            os.chmod(os.path.join(dirpath, d), 0o700)
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    os.unlink(path)
            except OSError:
                pass


def _relay(rfd: int, pid: int) -> tuple[int, bool]:
    """Forward the child's bytes until it closes its pipe and exits; return (status, capped)."""
    total, capped, status = 0, False, None
    while True:
        ready, _, _ = select.select([rfd], [], [], 0.05)
        if ready:
            chunk = os.read(rfd, 65536)
            if not chunk:
                break
            total += len(chunk)
            if total > RELAY_CAP:
                capped = True
                break
            send(b"C", chunk)
        elif status is None:
            done, st = os.waitpid(pid, os.WNOHANG)
            if done:
                status = st
                # Drain what the child wrote before it exited; later writers are killed.
                _drain(rfd)
                break
    if status is None:
        if capped:
            os.kill(pid, signal.SIGKILL)
        status = os.waitpid(pid, 0)[1]
    return status, capped


def _drain(rfd: int) -> None:
    os.set_blocking(rfd, False)
    try:
        while chunk := os.read(rfd, 65536):
            send(b"C", chunk)
    except BlockingIOError:
        pass


def serve() -> None:
    """Answer jobs until stdin closes."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # Children then never touch (and so never copy) the server's pages for the collector.
    gc.freeze()
    send(b"H", json.dumps({"dumpable": not nondumpable(), "pid": os.getpid()}).encode())
    while True:
        head = read_exact(0, 4)
        if not head:
            return
        job = json.loads(read_exact(0, struct.unpack(">I", head)[0]))
        _empty_tmp()
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            _child(job, wfd)
        os.close(wfd)
        status, capped = _relay(rfd, pid)
        os.close(rfd)
        _sweep()
        _empty_tmp()
        end = {"status": status, "capped": capped}
        send(b"E", json.dumps(end).encode())


if __name__ == "__main__":
    serve()
