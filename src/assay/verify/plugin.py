"""The gate's pytest plugin, loaded with ``-p assay.verify.plugin`` inside the sandbox.

It reads the channel key before any candidate code is imported, installs an audit hook that
refuses the generic tools for reaching into the test process (gc walks, ctypes, tracing,
``/proc/*/mem``, code replacement, patching pytest's classes), snapshots the machinery that
decides outcomes, and reports collection, each test's outcome and the session's end as
MAC-signed lines. Any change to the snapshot or any refused event is reported as tampering.

What it cannot do: Python offers no boundary inside one process, so a candidate written
against this plugin's internals could still find the key by walking frames. The isolation
around the process bounds the damage; the integrity checks make such code conspicuous.

Only the standard library and pytest are imported here: this runs in every verification.
"""

from __future__ import annotations

import builtins
import os
import sys
from collections.abc import Generator
from typing import Any

import pytest

from assay.verify import audit, protocol

_CLIP = 2000
_KEY_HOOKS = (
    "pytest_runtest_protocol",
    "pytest_runtest_setup",
    "pytest_runtest_call",
    "pytest_runtest_teardown",
    "pytest_runtest_makereport",
    "pytest_runtest_logreport",
    "pytest_pyfunc_call",
    "pytest_report_teststatus",
    "pytest_sessionfinish",
    "pytest_runtestloop",
    "pytest_collection_modifyitems",
)
_KEY_FUNCS = (
    "_pytest.runner:runtestprotocol",
    "_pytest.runner:call_and_report",
    "_pytest.runner:CallInfo.from_call",
    "_pytest.runner:pytest_runtest_call",
    "_pytest.runner:pytest_runtest_makereport",
    "_pytest.reports:TestReport.from_item_and_call",
    "_pytest.reports:TestReport.__init__",
    "_pytest.python:pytest_pyfunc_call",
    "_pytest.python:Function.runtest",
    "_pytest.skipping:pytest_runtest_makereport",
    "_pytest.main:pytest_runtestloop",
    "_pytest.main:wrap_session",
    "pluggy._callers:_multicall",
    "pluggy._hooks:HookCaller.__call__",
    "assay.verify.protocol:signer",
)
_KEY_MODULES = (
    "pytest",
    "_pytest.runner",
    "_pytest.reports",
    "_pytest.python",
    "pluggy",
    "assay.verify.plugin",
    "assay.verify.protocol",
    "assay.verify.audit",
    "builtins",
)


_GLOBALS_GUARDED = (
    "assay.verify.plugin",
    "assay.verify.protocol",
    "assay.verify.audit",
    "hmac",
    "json",
)


def _resolve(spec: str) -> Any:
    module, _, attr = spec.partition(":")
    obj: Any = sys.modules[module]
    for part in attr.split("."):
        obj = inspect_getattr(obj, part)
    return obj


def _resolvable(spec: str) -> bool:
    try:
        _resolve(spec)
    except (AttributeError, KeyError):
        return False
    return True


def inspect_getattr(obj: Any, name: str) -> Any:
    """Get an attribute without triggering descriptors on classes (raw ``__dict__`` first)."""
    if isinstance(obj, type):
        for klass in obj.__mro__:
            if name in klass.__dict__:
                return klass.__dict__[name]
    return getattr(obj, name)


def _identity(obj: Any) -> tuple[int, int]:
    func = getattr(obj, "__func__", obj)
    code = getattr(func, "__code__", None)
    return id(func), id(code)


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


class _Gate:
    """Hook implementations bound to one channel."""

    def __init__(self, key: bytes, fd: int, config: pytest.Config) -> None:
        # Bound now, before any candidate code: see assay.verify.protocol.
        self._send = protocol.sender(key, fd)
        self._config = config
        self._tamper: list[str] = []
        self._phases: dict[str, dict[str, str]] = {}
        self._texts: dict[str, str] = {}
        self._objs: dict[str, tuple[int, int]] = {}
        self._snapshot: dict[str, Any] = {}
        self._seq = 0
        self._funcs: list[str] = []
        self._refusal = audit.policy()

    # -- channel -------------------------------------------------------------------------
    def send(self, kind: str, **fields: Any) -> None:
        self._seq += 1
        self._send({"t": kind, "seq": self._seq, **fields})

    def audit(self, event: str, args: tuple[Any, ...]) -> None:
        reason = self._refusal(event, args)
        if reason is not None:
            self._tamper.append(f"blocked: {reason}")
            raise RuntimeError(f"assay gate: {reason} is not allowed during verification")

    # -- integrity -----------------------------------------------------------------------
    def _take_snapshot(self) -> dict[str, Any]:
        pm = self._config.pluginmanager
        return {
            "plugins": {id(p) for p in pm.get_plugins()},
            "hooks": {
                name: tuple(id(i.function) for i in getattr(pm.hook, name).get_hookimpls())
                for name in _KEY_HOOKS
            },
            "funcs": {spec: _identity(_resolve(spec)) for spec in self._funcs},
            "modules": {m: id(sys.modules.get(m)) for m in _KEY_MODULES},
            "builtins": {k: id(v) for k, v in vars(builtins).items() if k != "_"},
            "globals": {
                f"{m}:{k}": id(v)
                for m in (
                    "assay.verify.plugin",
                    "assay.verify.protocol",
                    "assay.verify.audit",
                    "hmac",
                    "json",
                )
                for k, v in vars(sys.modules[m]).items()
            },
        }

    def _diff_snapshot(self) -> list[str]:
        try:
            now = self._take_snapshot()
        except Exception as exc:  # a deleted or replaced attribute is itself tampering
            return [f"integrity check failed: {type(exc).__name__}: {exc}"]
        before = self._snapshot
        found = []
        if now["plugins"] - before["plugins"]:
            found.append("plugin registered during the session")
        for group in ("hooks", "funcs", "modules"):
            found += [
                f"{group} changed: {k}" for k in before[group] if now[group][k] != before[group][k]
            ]
        for group in ("builtins", "globals"):
            found += [
                f"{group} changed: {k}" for k, v in before[group].items() if now[group].get(k) != v
            ]
        shadowed = sorted(k for k in vars(self) if callable(getattr(type(self), k, None)))
        found += [f"gate method shadowed: {k}" for k in shadowed]
        return found

    def _check_item(self, item: pytest.Item) -> None:
        if "runtest" in vars(item):
            self._tamper.append(f"runtest replaced on {item.nodeid}")
        expected = self._objs.get(item.nodeid)
        obj = getattr(item, "obj", None)
        if expected is not None and _identity(obj) != expected:
            self._tamper.append(f"test function replaced: {item.nodeid}")

    # -- hooks ---------------------------------------------------------------------------
    @pytest.hookimpl(tryfirst=True)
    def pytest_collection(self, session: pytest.Session) -> None:
        # Guard what exists in this pytest version; a name that vanishes later is tampering.
        self._funcs = [spec for spec in _KEY_FUNCS if _resolvable(spec)]
        self._snapshot = self._take_snapshot()
        self.send("hello", pid=os.getpid(), python=sys.version.split()[0])

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed:
            self.send("collect_error", id=report.nodeid, text=str(report.longrepr)[-_CLIP:])

    @pytest.hookimpl(trylast=True)
    def pytest_collection_finish(self, session: pytest.Session) -> None:
        for item in session.items:
            if isinstance(item, pytest.Function):
                self._objs[item.nodeid] = _identity(item.obj)
        self.send("collected", ids=[item.nodeid for item in session.items])

    @pytest.hookimpl(wrapper=True, tryfirst=True)
    def pytest_runtest_call(self, item: pytest.Item) -> Generator[None, object, object]:
        self._check_item(item)
        try:
            return (yield)
        finally:
            self._check_item(item)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        phases = self._phases.setdefault(report.nodeid, {})
        phases[report.when] = _outcome(report)
        if report.failed and report.nodeid not in self._texts:
            self._texts[report.nodeid] = str(report.longrepr)[-_CLIP:]
        if report.when == "teardown":
            text = self._texts.get(report.nodeid, "")
            self.send("test", id=report.nodeid, outcome=_combine(phases), text=text)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        tamper = self._tamper + self._diff_snapshot()
        self.send("finish", exitstatus=int(exitstatus), tamper=tamper)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    """Open the channel (only when the gate started this run) before any test is imported."""
    fds = os.environ.pop(protocol.ENV_FDS, None)
    if not fds:
        return
    key_fd, out_fd = (int(x) for x in fds.split(","))
    key = b""
    while chunk := os.read(key_fd, 64):
        key += chunk
    os.close(key_fd)
    gate = _Gate(key, out_fd, config)
    sys.addaudithook(gate.audit)
    config.pluginmanager.register(gate, "assay-gate")
