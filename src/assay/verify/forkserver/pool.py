"""The parent's side of the fork servers: start them in the sandbox, send runs, restart on loss."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from assay.sandbox.isolation import Plan
from assay.sandbox.limits import UNPRIVILEGED_UID, Limits, apply
from assay.sandbox.process import read_clipped
from assay.sandbox.profiles import SANDBOX_ROOT, bwrap_argv
from assay.sandbox.scratch import scratch_dir
from assay.sandbox.uids import release_uid, reserve_uids

_SERVER_LIMITS = Limits(cpu_s=36000, memory_mb=4096)
_START_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class WarmResult:
    """What one warm run produced (the same evidence a cold run gives)."""

    lines: list[str]
    overflow: bool
    returncode: int
    timed_out: bool
    duration_s: float
    stdout: str
    stderr: str


class _Server:
    """One fork server: a bubblewrap sandbox holding a warm pytest, one run at a time."""

    def __init__(self, plan: Plan, masks: tuple[Path, ...], uid: int) -> None:
        assert plan.bwrap is not None
        self._scratch_cm = scratch_dir("assay-forkserver-")
        self.root = self._scratch_cm.__enter__()
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": "/tmp",
            "LANG": "C.UTF-8",
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        argv = [
            *bwrap_argv(plan.bwrap, self.root, env, list(masks)),
            sys.executable,
            "-I",
            "-B",
            "-m",
            "assay.verify.forkserver.server",
        ]
        # The server's own stderr (start-up trouble) goes to a file outside its sandbox.
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the server
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            start_new_session=True,
            text=True,
            bufsize=1,
            preexec_fn=lambda: apply(_SERVER_LIMITS, drop_uid=plan.drop_uid, uid=uid),  # noqa: PLW1509
        )
        self.slot_uid = uid
        self.uid = uid if plan.drop_uid else None
        hello = self._read_line()
        if not hello or not json.loads(hello).get("ready"):
            self._log.seek(0)
            why = self._log.read()[-600:].decode("utf-8", "replace").strip()
            self.close()
            raise OSError(f"the fork server did not start: {why or 'no output'}")

    def _read_line(self) -> str:
        assert self.proc.stdout is not None
        out: IO[str] = self.proc.stdout
        return out.readline()

    def alive(self) -> bool:
        return self.proc.poll() is None

    def run(self, job: dict[str, Any]) -> dict[str, Any] | None:
        """Send one job; None when the server died (a candidate may kill it: same uid)."""
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(json.dumps(job) + "\n")
            self.proc.stdin.flush()
            line = self._read_line()
        except OSError:
            return None
        return json.loads(line) if line else None

    def close(self) -> None:
        try:
            if self.proc.stdin:
                self.proc.stdin.close()
        except OSError:
            pass
        with contextlib.suppress(OSError):
            os.killpg(self.proc.pid, 9)
        self.proc.wait()
        self._log.close()
        self._scratch_cm.__exit__(None, None, None)


class ForkPool:
    """A pool of fork servers for one isolation plan."""

    def __init__(self, plan: Plan, masks: tuple[Path, ...], size: int) -> None:
        self.plan = plan
        self.masks = masks
        self._free: queue.Queue[_Server] = queue.Queue()
        self._all: list[_Server] = []
        self._lock = threading.Lock()
        self._size = size
        # One uid per slot, reserved machine-wide; the shared unprivileged uid if none is free.
        self._uids = reserve_uids(size) or [UNPRIVILEGED_UID] * size
        atexit.register(self.close)

    def _take(self) -> _Server:
        with self._lock:
            if self._free.empty() and len(self._all) < self._size:
                uid = self._uids.pop() if self._uids else UNPRIVILEGED_UID
                try:
                    server = _spawn(self.plan, self.masks, uid)
                except OSError:
                    self._uids.append(uid)
                    raise
                self._all.append(server)
                return server
        return self._free.get()

    def _give(self, server: _Server) -> None:
        if server.alive():
            self._free.put(server)
            return
        with self._lock:
            self._all.remove(server)
            self._uids.append(server.slot_uid)
        server.close()

    def run(
        self,
        staged_root: Path,
        test_files: list[str],
        *,
        argv_for: Any,
        limits: Limits,
        timeout_s: float,
        env: dict[str, str],
        key: bytes,
        lock_down: Any,
    ) -> WarmResult:
        """Copy the staged folder into a server's job area and run pytest on it there."""
        server = self._take()
        job_id = uuid.uuid4().hex
        job_dir = server.root / job_id
        try:
            work, log = job_dir / "work", job_dir / "log"
            job_dir.mkdir()
            shutil.copytree(staged_root, work)
            log.mkdir()
            lock_down(work, test_files, server.uid)
            if server.uid is not None:
                for p in (job_dir, log):
                    os.chown(p, server.uid, server.uid)
            inside = f"{SANDBOX_ROOT}/{job_id}"
            answer = server.run(
                {
                    "id": job_id,
                    "workdir": f"{inside}/work",
                    "argv": argv_for(f"{inside}/work"),
                    "key": key.decode(),
                    "timeout_s": timeout_s,
                    "env": env,
                    "limits": limits.as_dict(),
                    "stdout": f"{inside}/log/stdout.txt",
                    "stderr": f"{inside}/log/stderr.txt",
                }
            )
            if answer is None:
                answer = {
                    "lines": [],
                    "overflow": False,
                    "returncode": -9,
                    "timed_out": False,
                    "duration_s": 0.0,
                }
            out, err = log / "stdout.txt", log / "stderr.txt"
            return WarmResult(
                lines=list(answer["lines"]),
                overflow=bool(answer["overflow"]),
                returncode=int(answer["returncode"]),
                timed_out=bool(answer["timed_out"]),
                duration_s=float(answer["duration_s"]),
                stdout=read_clipped(out) if out.exists() else "",
                stderr=read_clipped(err) if err.exists() else "",
            )
        finally:
            shutil.rmtree(job_dir, ignore_errors=True)
            self._give(server)

    def close(self) -> None:
        """Stop every server."""
        with self._lock:
            servers, self._all = self._all, []
            uids, self._uids = self._uids, []
        for s in servers:
            s.close()
            release_uid(s.slot_uid)
        for uid in uids:
            release_uid(uid)


class _Spawner:
    """One long-lived thread that starts every server.

    bubblewrap's --die-with-parent (PR_SET_PDEATHSIG) fires when the *thread* that forked it
    exits; servers started from a short-lived worker thread would die with it.
    """

    def __init__(self) -> None:
        self._jobs: queue.Queue[tuple[Plan, tuple[Path, ...], int, queue.Queue[object]]] = (
            queue.Queue()
        )
        threading.Thread(target=self._loop, name="assay-forkserver-spawner", daemon=True).start()

    def _loop(self) -> None:
        while True:
            plan, masks, uid, reply = self._jobs.get()
            try:
                reply.put(_Server(plan, masks, uid))
            except Exception as exc:  # handed to the caller, which raises it
                reply.put(exc)

    def spawn(self, plan: Plan, masks: tuple[Path, ...], uid: int) -> _Server:
        reply: queue.Queue[object] = queue.Queue()
        self._jobs.put((plan, masks, uid, reply))
        got = reply.get()
        if isinstance(got, Exception):
            raise got
        assert isinstance(got, _Server)
        return got


_spawner: _Spawner | None = None
_spawner_lock = threading.Lock()


def _spawn(plan: Plan, masks: tuple[Path, ...], uid: int) -> _Server:
    global _spawner  # noqa: PLW0603 - one spawner thread per process, started on first use
    with _spawner_lock:
        if _spawner is None:
            _spawner = _Spawner()
    return _spawner.spawn(plan, masks, uid)


_pools: dict[Plan, ForkPool] = {}
_pools_lock = threading.Lock()


def pool_for(plan: Plan, masks: tuple[Path, ...]) -> ForkPool:
    """The shared pool of a plan (one server per CPU, started on first use).

    The masks are fixed when the pool starts; the gate sends a task whose folder they would
    not hide to the cold path instead.
    """
    with _pools_lock:
        if plan not in _pools:
            _pools[plan] = ForkPool(plan, masks, size=max(1, os.cpu_count() or 1))
        return _pools[plan]


def new_key() -> bytes:
    """A fresh channel key for one run."""
    return secrets.token_hex(32).encode()
