"""Shared fixtures: the bundled window-sums task and candidate workspaces built from it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from assay.tasks.load import Task, load_task
from assay.tasks.suite import BUNDLED_ROOT

REPO = Path(__file__).resolve().parent.parent
ASSAY = [sys.executable, "-m", "assay.cli"]

GOOD_BODY = """
def window_sums(values, size):
    if size <= 0:
        raise ValueError("size must be positive")
    return [sum(values[i : i + size]) for i in range(len(values) - size + 1)]
"""


SECRET = "sk-test-SECRET-7f3a"
# Sets LEAKED if the secret reaches the candidate by its environment or any process's
# /proc/*/environ; built from halves so the literal never appears in a failure excerpt.
# Refused reads (OSError, or the audit hook's RuntimeError) are skipped, so the probe always
# finishes and a leak would show as a passing verdict.
LEAK_PROBE = """
import glob, os
_S = "sk-test-" + "SECRET-7f3a"
def _leaked():
    if any(_S in v for v in os.environ.values()):
        return True
    for path in glob.glob("/proc/*/environ"):
        try:
            if _S.encode() in open(path, "rb").read():
                return True
        except (OSError, RuntimeError):
            pass
    return False
LEAKED = _leaked()
"""


@pytest.fixture
def task() -> Task:
    return load_task(BUNDLED_ROOT / "repair" / "window-sums")


@pytest.fixture
def make_candidate(task: Task, tmp_path: Path) -> Callable[..., Path]:
    """Build a workspace whose windows.py is ``prelude`` + a correct implementation."""

    def build(
        prelude: str = "", body: str = GOOD_BODY, extra: dict[str, str] | None = None
    ) -> Path:
        ws = tmp_path / f"ws{len(list(tmp_path.iterdir()))}"
        shutil.copytree(task.workspace, ws)
        (ws / "windows.py").write_text(prelude + "\n" + body)
        for rel, text in (extra or {}).items():
            (ws / rel).parent.mkdir(parents=True, exist_ok=True)
            (ws / rel).write_text(text)
        return ws

    return build


@pytest.fixture
def fast_task(task: Task, tmp_path: Path) -> Callable[..., Task]:
    """A copy of window-sums with its own timeout and memory limit.

    Timing margins: every caller expects the candidate to fail (a loop, a bomb, a sleeper),
    so a short ``timeout_s`` can only make it fail sooner; the one timing assertion on such
    a verdict, in ``tests/verify``, must keep its margin explicit too.
    """

    def build(timeout_s: float = 4, memory_mb: int = 512) -> Task:
        root = tmp_path / "fast-task"
        shutil.copytree(task.root, root)
        toml = (root / "task.toml").read_text()
        toml = toml.replace("timeout_s = 30", f"timeout_s = {timeout_s}")
        toml = toml.replace("memory_mb = 512", f"memory_mb = {memory_mb}")
        (root / "task.toml").write_text(toml)
        return load_task(root)

    return build


def run_assay(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    """Run the real ``assay`` command line."""
    return subprocess.run([*ASSAY, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def loopback_listener():
    """A listener on 127.0.0.1 that records every connection it accepts, and its probe code.

    The probe sets ``CONNECTED``: a candidate that is correct only when connected turns a
    network leak into a passing verdict, so a test can assert the verdict fails.
    """
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(0.2)
    port = server.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                accepted.append(server.accept())
            except OSError:
                continue

    th = threading.Thread(target=accept)
    th.start()
    probe = (
        "import socket\n"
        "try:\n"
        f"    socket.create_connection(('127.0.0.1', {port}), timeout=2).close()\n"
        "    CONNECTED = True\n"
        "except OSError:\n"
        "    CONNECTED = False\n"
    )
    yield probe, accepted
    stop.set()
    th.join()
    server.close()
