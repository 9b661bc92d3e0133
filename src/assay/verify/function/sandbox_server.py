"""The fork server inside the function sandbox: standard library only, holds nothing secret.

It is started by :mod:`assay.verify.function.slots` under bubblewrap as a slot's own
unprivileged uid, from ``/usr/bin/python3 -I -S`` with only this file and :mod:`wire` bound
in. It receives one job at a time on stdin (a candidate's source, its entry point and its
inputs; never an expected value) and forks a child per job. The child runs the candidate
and writes one JSON line per input to the answers' pipe, whose other end the trusted parent
reads directly (the pipe is the slot's, passed in at start; the server resets its flags
and size before each child). When the child has exited, the server kills every other
process in the sandbox's pid namespace, empties ``/tmp`` and reports how the child ended;
the parent then reads what is left in the pipe. The parent keeps every deadline: a stopped
or killed server only fails the job it was running.

A job from the parent: two 4-byte big-endian lengths, then the job's JSON header and the
JSON list of its inputs. The server keeps the decoded inputs of recent jobs (keyed by their
exact bytes), so the candidates of one task do not decode the same inputs again; a child
gets a forked copy, so nothing it does to them reaches the server or the next child.
Frames to the parent on stdout: one kind byte (``H`` hello, ``E`` end of job), a 4-byte
big-endian length, the payload.
"""

import contextlib
import ctypes
import fcntl
import gc
import json
import math
import os
import resource
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
PIPE_SIZE = 65536
"""The answers' pipe's size (Linux's default), restored before every child."""
CACHE_BYTES = 8 * 1024 * 1024
"""Input bytes whose decoded form the server keeps (the oldest are dropped first)."""
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
    for i, args in enumerate(inputs):
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
            text = _dumps(out)
        except (wire.Unserializable, RecursionError, ValueError):
            _line(fd, json.dumps({"i": i, "unser": type(out).__name__, "t": spent}))
            continue
        _line(fd, f'{{"i":{i},"t":{spent!r},"v":{text}}}')


def _flat(x: Any) -> bool:
    t = type(x)
    if t is int:
        return bool(-(2**63) < x < 2**63)
    if t is float:
        return math.isfinite(x)
    return t is str or t is bool or x is None


def _dumps(out: Any) -> str:
    """``wire.dumps``'s text, without its walk for a scalar or a list of scalars.

    Most functions answer with one; the walk would cost more than the call.
    """
    if _flat(out):
        return json.dumps(out)
    if type(out) is list and all(map(_flat, out)):
        return json.dumps(out, separators=(",", ":"))
    return wire.dumps(out)


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


def _child(job: dict[str, Any], inputs: list[Any] | None, fd: int) -> None:
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
            if inputs is None:
                raise wire.Unserializable("the inputs did not decode")
            _call_all(3, getattr(mod, job["entry"]), inputs, bool(job.get("not_none")))
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
        # This namespace's /proc lists every process in it (a forking one included), so an
        # empty list means nothing is left; kill(-1) would first walk every task on the host.
        if not [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, me)]:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(-1, signal.SIGKILL)
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        time.sleep(0.001)


def _empty_tmp() -> None:
    """Remove everything in ``/tmp`` and ``/dev/shm`` (every process of the job is dead)."""
    # Most candidates leave only what their child wrote: removed without the full walk.
    with contextlib.suppress(OSError):
        only_run = os.listdir("/tmp") == ["run"] and not os.listdir("/dev/shm")
        if only_run and os.listdir(RUN_DIR) == ["solution.py"]:
            os.unlink(os.path.join(RUN_DIR, "solution.py"))
            os.rmdir(RUN_DIR)
            return
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


def _reset_pipe(fd: int) -> None:
    """Undo what the last child may have set on the answers' pipe.

    Its flags (non-blocking, packet mode, ...) and its size belong to the pipe, which every
    child shares with the server: left as they are, they would reach the next candidate.
    """
    fcntl.fcntl(fd, fcntl.F_SETFL, 0)
    fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)


def _inputs(cache: dict[bytes, list[Any]], data: bytes) -> list[Any] | None:
    """The decoded argument lists of a job's inputs (kept for the next job with the same)."""
    if data in cache:
        return cache[data]
    try:
        inputs = [list(wire.decode(x)) for x in json.loads(data)]  # type: ignore[call-overload]
    except (ValueError, TypeError, RecursionError):
        return None
    cache[data] = inputs
    while sum(map(len, cache)) > CACHE_BYTES and len(cache) > 1:
        del cache[next(iter(cache))]
    gc.freeze()  # as at start: children do not copy these pages for the collector
    return inputs


def serve(data_fd: int) -> None:
    """Answer jobs until stdin closes; each child writes its answers to ``data_fd``."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    # Children then never touch (and so never copy) the server's pages for the collector.
    gc.freeze()
    send(b"H", json.dumps({"dumpable": not nondumpable(), "pid": os.getpid()}).encode())
    cache: dict[bytes, list[Any]] = {}
    while True:
        head = read_exact(0, 8)
        if not head:
            return
        sizes = struct.unpack(">II", head)
        job = json.loads(read_exact(0, sizes[0]))
        inputs = _inputs(cache, read_exact(0, sizes[1]))
        _reset_pipe(data_fd)
        pid = os.fork()
        if pid == 0:
            _child(job, inputs, data_fd)
        # Only waits while the child runs: touching nothing, it copies none of its pages.
        status = os.waitpid(pid, 0)[1]
        _sweep()
        _empty_tmp()
        send(b"E", json.dumps({"status": status}).encode())
