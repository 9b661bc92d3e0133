"""A fork server for the test process: pytest imported once, a fresh child per session.

It holds no candidate code and never talks to the candidate: it only saves each verification
the interpreter's start and pytest's imports. A request is a JSON configuration with three
descriptors (the control socket to the candidate's process, the report pipe, the log file);
the reply is the child's pid. The child starts its own session (so the gate can kill its
group at the deadline), takes the descriptors, runs :func:`.trusted_main.main`, writes its
exit status as the report's last line and exits. Children are reaped by the kernel
(``SIGCHLD`` ignored); the server exits when its socket closes.
"""

from __future__ import annotations

import importlib
import json
import os
import resource
import signal
import socket
import struct
import sys

import _pytest.config

from assay.verify.remote import trusted_main

for _name in _pytest.config.default_plugins:
    importlib.import_module(f"_pytest.{_name}")

_WARM_TEST = """
import pytest

def test_pass(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    print("out")
    assert capsys.readouterr().out == "out\\n"

def test_fail():
    assert [1, {"a": (2,)}] == [1, {"a": (3,)}]

def test_raises():
    with pytest.raises(ValueError):
        int("x")
"""


def _warm_up() -> None:
    """Run one session on a few throwaway tests.

    pytest's lazy imports (assertion rewriting, the comparison explainers, fixtures) then
    happen once here, not in every child.
    """
    import gc
    import tempfile

    import pytest

    with tempfile.TemporaryDirectory(prefix="assay-warm-") as folder:
        with open(os.path.join(folder, "test_warm.py"), "w", encoding="utf-8") as fh:
            fh.write(_WARM_TEST)
        with open(os.path.join(folder, "pytest.ini"), "w", encoding="utf-8") as fh:
            fh.write("[pytest]\n")
        null = os.open(os.devnull, os.O_WRONLY)
        saved = os.dup(1), os.dup(2)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            pytest.main([
                "-q", "-p", "no:cacheprovider", "--noconftest", "-c", f"{folder}/pytest.ini",
                f"--rootdir={folder}", "--import-mode=importlib", "--no-header",
                f"--basetemp={folder}/tmp", folder,
            ])  # fmt: skip
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in (null, *saved):
                os.close(fd)
    gc.collect()
    gc.freeze()  # children share these pages instead of copying them on the first collection


def _child(cfg: dict[str, object], fds: list[int]) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    os.setsid()
    control, report, log = fds
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    mb = 1024 * 1024
    lim = cfg["limits"]
    assert isinstance(lim, dict)
    resource.setrlimit(resource.RLIMIT_CPU, (lim["cpu_s"], lim["cpu_s"] + 1))
    resource.setrlimit(resource.RLIMIT_AS, (lim["memory_mb"] * mb, lim["memory_mb"] * mb))
    env = cfg["env"]
    assert isinstance(env, dict)
    os.environ.clear()
    os.environ.update(env)
    os.chdir(str(cfg["root"]))
    status = 70
    try:
        status = trusted_main.main({**cfg, "control_fd": control, "report_fd": report})
    finally:
        line = json.dumps({"t": "exit", "status": status}).encode() + b"\n"
        try:
            os.write(report, line)
        finally:
            sys.stdout.flush()
            os._exit(status)


def serve(sock: socket.socket) -> None:
    """Fork a child per request until the socket closes."""
    _warm_up()
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    sock.send(b"ready")
    while True:
        try:
            msg, fds, _, _ = socket.recv_fds(sock, 1 << 20, 3)
        except OSError:
            return
        if not msg:
            return
        if len(fds) != 3:
            for fd in fds:
                os.close(fd)
            sock.send(struct.pack(">i", -1))
            continue
        pid = os.fork()
        if pid == 0:
            sock.close()
            _child(json.loads(msg), fds)
        for fd in fds:
            os.close(fd)
        sock.send(struct.pack(">i", pid))


if __name__ == "__main__":
    serve(socket.socket(fileno=int(sys.argv[1])))
