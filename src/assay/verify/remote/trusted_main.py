"""The test process: pytest, the task's tests and the verdict's evidence; no candidate code.

Started by :mod:`assay.verify.remote.gate` with two descriptors: the control socket to the
candidate's process and a pipe for the report (JSON lines: ``collected``, ``collect_error``,
``test``, ``finish``). The candidate's modules are imported through
:class:`~assay.verify.remote.trusted.CandidateFinder`, so every object the tests touch from
them is a proxy and every value they compare is plain data in this process. Nothing here is
secret and nothing needs signing: the candidate's process cannot reach this one.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sys
from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest

from assay.verify.remote import trusted
from assay.verify.remote.codec import RemoteLost
from assay.verify.remote.peer import Peer

_CLIP = 2000


def _outcome(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else "xpassed"
    return str(report.outcome)


def _combine(phases: dict[str, str]) -> str:
    setup = phases.get("setup", "missing")
    if setup != "passed":
        return "error" if setup == "failed" else setup
    call = phases.get("call", "missing")
    if call != "passed":
        return call
    teardown = phases.get("teardown", "missing")
    return "passed" if teardown == "passed" else ("error" if teardown == "failed" else teardown)


class Reporter:
    """Writes what pytest saw to the report pipe; keeps the shared temp folder readable."""

    def __init__(self, fd: int, peer: Peer, shared: Path) -> None:
        self.fd, self.peer, self.shared = fd, peer, shared
        self._phases: dict[str, dict[str, str]] = {}
        self._texts: dict[str, str] = {}

    def send(self, kind: str, **fields: Any) -> None:
        """One JSON line on the report pipe."""
        data = (json.dumps({"t": kind, **fields}, sort_keys=True) + "\n").encode()
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view) :]

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        """Report a module that failed to collect."""
        if report.failed:
            self.send("collect_error", id=report.nodeid, text=str(report.longrepr)[-_CLIP:])

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        """Report the collected ids."""
        self.send("collected", ids=[item.nodeid for item in session.items])

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        """Open pytest's temp folders to the candidate's uid, then run the test."""
        # pytest makes its temp folders 0700; the candidate's uid reads the test's files.
        for dirpath, _, _ in os.walk(self.shared):
            os.chmod(dirpath, 0o755)
        return (yield)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        """Record each phase; report the test after its teardown."""
        phases = self._phases.setdefault(report.nodeid, {})
        phases[report.when] = _outcome(report)
        if report.failed and report.nodeid not in self._texts:
            self._texts[report.nodeid] = str(report.longrepr)[-_CLIP:]
        if report.when == "teardown":
            with contextlib.suppress(RemoteLost):
                self.peer.forget()
            text = self._texts.get(report.nodeid, "")
            self.send("test", id=report.nodeid, outcome=_combine(phases), text=text)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Report the end of the session."""
        self.send("finish", exitstatus=int(exitstatus), tamper=[])


def main(cfg: dict[str, Any]) -> int:
    """Run pytest on the staged tests against the candidate's process; pytest's status."""
    sys.set_int_max_str_digits(0)
    peer = Peer(socket.socket(fileno=int(cfg["control_fd"])), "t", trusted.Policy())
    peer.start()
    trusted.install(peer, cfg["modules"])
    root, shared = cfg["root"], Path(cfg["shared"])
    args = [
        "-p", "no:cacheprovider", "--noconftest", "-c", f"{root}/_assay_hidden/pytest.ini",
        f"--rootdir={root}", "--import-mode=importlib", "-o", f"pythonpath={root}",
        "-o", "addopts=", "-q", "--no-header", "-p", "no:stepwise", f"--basetemp={shared}",
    ]  # fmt: skip
    if cfg.get("collect_only"):
        args.append("--collect-only")
    reporter = Reporter(int(cfg["report_fd"]), peer, shared)
    status = pytest.main([*args, *cfg["test_files"]], plugins=[reporter])
    sys.stdout.flush()
    return int(status)


if __name__ == "__main__":
    os._exit(main(json.loads(sys.argv[1])))
