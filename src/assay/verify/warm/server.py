"""The warm server: read run requests, fork a fresh child per run, report how each ended.

The pool starts it inside the sandbox as ``python -I -B -m assay.verify.warm.server``. It serves
one run at a time: compiles (and caches) the counted test modules, writes the candidate's files
to a fresh run folder, forks, waits with the wall-clock limit, SIGKILLs the child's process
group, and -- when it is pid 2 of its own pid namespace (bubblewrap) -- every other process in
that namespace too, so nothing a candidate started outlives its run. The server makes itself
non-dumpable so processes of the same uid can neither ptrace it nor read its memory.

Wire format: one JSON object per line each way, with the fields of
:class:`assay.verify.warm.wire.RunRequest` and :class:`~assay.verify.warm.wire.RunReply`. The
server keeps to the standard library (no pydantic): fork cost grows with its memory.
"""

from __future__ import annotations

import base64
import contextlib
import gc
import hashlib
import json
import os
import select
import shutil
import signal
import sys
import time
import types
from typing import Any, BinaryIO

from assay.sandbox.limits import Limits
from assay.verify.warm import child
from assay.verify.warm.instrument import compile_counted, inspect_module

MAX_STREAM = 16 * 1024 * 1024
_OUTPUT_CLIP = 4096
_PR_SET_DUMPABLE = 4


def module_key(path: str, source: str) -> str:
    """The cache key of a test module: sha256 over its path and source."""
    return hashlib.sha256(f"{path}\0{source}".encode()).hexdigest()


def _undumpable() -> None:
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def _reply(message: dict[str, Any]) -> None:
    data = memoryview((json.dumps(message) + "\n").encode())
    while data:
        data = data[os.write(1, data) :]


def _read(stdin: BinaryIO) -> dict[str, Any] | None:
    line = stdin.readline()
    return json.loads(line) if line.strip() else None


def _prepare(path: str, source: str) -> child.Prepared:
    plain, _ = inspect_module(path, source)
    code = compile_counted(path, source)
    functions = tuple(c for c in code.co_consts if isinstance(c, types.CodeType))
    return child.Prepared(plain, code, source, source.splitlines(True), functions)


def _write_files(work: str, files: dict[str, str]) -> None:
    for rel, text in files.items():
        parts = rel.split("/")
        if rel.startswith("/") or ".." in parts or not all(parts):
            raise ValueError(f"bad file path {rel!r}")
        target = os.path.join(work, *parts)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "w", encoding="utf-8") as fh:
            fh.write(text)


def _fork() -> int:
    """Fork, retrying briefly when the uid's process limit is momentarily full."""
    for delay in (0.01, 0.05, 0.2, 0.5, 1.0):
        try:
            return os.fork()
        except BlockingIOError:
            time.sleep(delay)
    return os.fork()


def _sweep(me: int) -> None:
    """SIGKILL every process of this pid namespace but its init and the server, until none.

    Called after the run's child was reaped: when nothing else is left, ``kill(-1)`` finds
    no process and the namespace need not be listed.
    """
    for _ in range(200):
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            return
        alive = []
        for name in os.listdir("/proc"):
            if name.isdigit() and int(name) not in (1, me):
                with contextlib.suppress(OSError), open(f"/proc/{name}/stat", "rb") as fh:
                    if fh.read().rsplit(b")", 1)[-1].split()[0] != b"Z":
                        alive.append(name)
        if not alive:
            return
        time.sleep(0.001)


def _wait(pid: int, result_r: int, deadline: float) -> tuple[bytes, bool, bool]:
    """Drain the result pipe until the child exits or the deadline passes."""
    pidfd = os.pidfd_open(pid)
    poller = select.poll()
    poller.register(result_r, select.POLLIN)
    poller.register(pidfd, select.POLLIN)
    chunks: list[bytes] = []
    size, overflow, timed_out, exited = 0, False, False, False
    try:
        while not exited:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            for fd, _ in poller.poll(remaining * 1000):
                if fd == pidfd:
                    exited = True
                    continue
                data = os.read(result_r, 65536)
                if not data:
                    poller.unregister(result_r)
                elif size + len(data) > MAX_STREAM:
                    overflow = True
                else:
                    chunks.append(data)
                    size += len(data)
    finally:
        os.close(pidfd)
    return b"".join(chunks), overflow, timed_out


def _drain(result_r: int, room: int) -> bytes:
    """Read what is left in the pipe without waiting (an escaped writer may keep it open)."""
    os.set_blocking(result_r, False)
    chunks = []
    with contextlib.suppress(BlockingIOError):
        while room > 0 and (data := os.read(result_r, 65536)):
            chunks.append(data)
            room -= len(data)
    return b"".join(chunks)


def _tail(path: str) -> str:
    try:
        size = os.stat(path).st_size
        if not size:
            return ""
        with open(path, "rb") as fh:
            fh.seek(max(0, size - _OUTPUT_CLIP))
            return fh.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _remove(rundir: str, work: str, files: list[str]) -> None:
    """Remove a run folder: the cheap way when it holds only what the server wrote."""
    try:
        for rel in files:
            os.unlink(os.path.join(work, rel))
        os.unlink(os.path.join(rundir, "output.txt"))
        os.rmdir(work)
        os.rmdir(rundir)
    except OSError:
        shutil.rmtree(rundir, ignore_errors=True)


class Server:
    """Serves runs one at a time from a fixed base folder."""

    def __init__(self, base: str, *, sweep: bool, nproc: bool) -> None:
        self.base = base
        self.sweep = sweep
        self.nproc = nproc
        self.cache: dict[str, child.Prepared] = {}
        self.integrity = child.integrity_check()

    def modules(self, wanted: list[dict[str, Any]]) -> tuple[list[child.Prepared], list[str]]:
        """Resolve the request's modules from the cache (or their sources); list the unknown."""
        found, missing = [], []
        for m in wanted:
            source = m.get("source")
            key = module_key(m["path"], source) if source is not None else m["sha"]
            if key not in self.cache and source is not None:
                self.cache[key] = _prepare(m["path"], source)
            if key in self.cache:
                found.append(self.cache[key])
            else:
                missing.append(m["sha"])
        return found, missing

    def serve(self, req: dict[str, Any]) -> dict[str, Any]:
        """Run one request and return the reply."""
        run_id = req["run"]
        try:
            modules, missing = self.modules(req["modules"])
        except (SyntaxError, ValueError) as exc:
            return {"run": run_id, "error": f"cannot prepare the tests: {exc}"}
        if missing:
            return {"run": run_id, "missing": missing}
        rundir = os.path.join(self.base, f"r{run_id}")
        work = os.path.join(rundir, "work")
        os.makedirs(work)
        try:
            _write_files(work, req["files"])
            return self._fork_and_wait(req, tuple(modules), rundir, work)
        except (OSError, ValueError) as exc:
            return {"run": run_id, "error": f"{type(exc).__name__}: {exc}"}
        finally:
            _remove(rundir, work, list(req["files"]))

    def _fork_and_wait(
        self, req: dict[str, Any], modules: tuple[child.Prepared, ...], rundir: str, work: str
    ) -> dict[str, Any]:
        output = os.path.join(rundir, "output.txt")
        result_r, result_w = os.pipe()
        spec = child.RunSpec(
            secret=[req.pop("key")],
            modules=modules,
            work=work,
            output=output,
            result_fd=result_w,
            limits=Limits(**req["limits"]),
            nproc=self.nproc,
            integrity=self.integrity,
        )
        gc.freeze()  # the child's collections then never touch (and copy) the server's objects
        start = time.monotonic()
        try:
            pid = _fork()
        except OSError:
            os.close(result_r)
            os.close(result_w)
            raise
        if pid == 0:
            os.close(result_r)
            child.run(spec)
        spec.secret.clear()
        os.close(result_w)
        try:
            with contextlib.suppress(OSError):
                os.setpgid(pid, pid)
            stream, overflow, timed_out = _wait(pid, result_r, start + float(req["timeout_s"]))
            for kill in (os.killpg, os.kill):  # the child may have left its own group
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
            if self.sweep:
                _sweep(os.getpid())
            duration = time.monotonic() - start
            stream += _drain(result_r, MAX_STREAM + 1 - len(stream))
        finally:
            os.close(result_r)
        if len(stream) > MAX_STREAM:
            stream, overflow = stream[:MAX_STREAM], True
        return {
            "run": req["run"],
            "returncode": os.waitstatus_to_exitcode(status),
            "timed_out": timed_out,
            "duration_s": round(duration, 6),
            "stream": base64.b64encode(stream).decode(),
            "overflow": overflow,
            "output": _tail(output),
        }


def main() -> None:
    """Serve requests from stdin until it closes."""
    args = sys.argv[1:]
    flags = set(args)
    base = args[args.index("--runs-in") + 1] if "--runs-in" in flags else os.getcwd()
    # Only the pid-2 process of a fresh pid namespace may sweep: kill(-1) reaches the namespace.
    sweep = "--sweep" in flags and os.getpid() == 2 and os.getppid() == 1
    _undumpable()
    server = Server(base, sweep=sweep, nproc="--nproc" in flags)
    _reply({"ready": True, "pid": os.getpid(), "sweep": sweep})
    stdin = sys.stdin.buffer
    while (req := _read(stdin)) is not None:
        _reply(server.serve(req))


if __name__ == "__main__":
    main()
