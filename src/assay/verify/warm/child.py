"""One run in the forked child: limits, a clean process, the tests, signed reports.

Entered right after the server's fork; it never returns into the server (``os._exit`` always).
The order mirrors a pytest session under the gate's plugin: the run key is taken before any
candidate code loads, the audit hook and the integrity snapshot are the plugin's, every test
module is executed (collection), then every test runs, then one signed ``report`` is sent
(a single message: each signature costs page faults in a fresh child), then non-daemon threads
are joined and ``atexit`` handlers run as at interpreter exit.

Standard library only (plus :mod:`assay.sandbox.limits` and :mod:`assay.verify.protocol`).
"""

from __future__ import annotations

import atexit
import builtins
import linecache
import os
import resource
import sys
import traceback
import types
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from assay.sandbox.limits import Limits, apply
from assay.verify import audit, protocol
from assay.verify.warm.instrument import TICK, PlainModule

RESULT_FD = 3
_CLIP = 2000
# The gate plugin's policy, kept identical so that both paths refuse the same things.
_GUARDED_MODULES = (
    "assay.verify.warm.child",
    "assay.verify.protocol",
    "assay.verify.audit",
    "hmac",
    "json",
)

Send = Callable[..., None]
Snapshot = dict[str, dict[str, int]]


@dataclass(frozen=True)
class Prepared:
    """A test module compiled (and counted) by the server before the fork."""

    module: PlainModule
    code: types.CodeType
    source: str
    lines: list[str]
    """The source's lines, for tracebacks (split once, not in every child)."""
    functions: tuple[types.CodeType, ...]
    """The code of the functions the module defines at top level (its tests among them)."""


@dataclass(frozen=True)
class RunSpec:
    """What the server hands the child for one run."""

    secret: list[str]
    """Holds the hex run key; the child pops it, so no server frame keeps a reference."""
    modules: tuple[Prepared, ...]
    work: str
    output: str
    result_fd: int
    limits: Limits
    nproc: bool
    """Set RLIMIT_NPROC too (the server runs as the unprivileged uid)."""
    integrity: Callable[[], list[str]]
    """The integrity check, made once by the server (:func:`integrity_check`): the child
    starts as its copy, so it is bound before any candidate code."""


def run(spec: RunSpec) -> NoReturn:
    """Run the tests of one run and exit; exit status 0 once the report was sent."""
    status = 70
    try:
        _isolate(spec)
        _execute(spec)
        status = 0
    except BaseException:
        status = 71
    finally:
        os._exit(status)


def _isolate(spec: RunSpec) -> None:
    os.setpgid(0, 0)
    os.dup2(spec.result_fd, RESULT_FD)
    null = os.open(os.devnull, os.O_RDONLY)
    out = os.open(spec.output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.closerange(RESULT_FD + 1, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
    apply(spec.limits, drop_uid=False)
    if spec.nproc:
        resource.setrlimit(resource.RLIMIT_NPROC, (spec.limits.nproc, spec.limits.nproc))
    os.chdir(spec.work)
    sys.path.insert(0, spec.work)


def _sender(key: bytes) -> Send:
    seq = [0]
    pid = os.getpid()
    # Bound now, before any candidate code: see assay.verify.protocol.
    emit, getpid, exit_ = protocol.sender(key, RESULT_FD), os.getpid, os._exit

    def send(kind: str, **fields: Any) -> None:
        if getpid() != pid:
            exit_(0)  # a forked copy of this process never reports
        seq[0] += 1
        emit({"t": kind, "seq": seq[0], **fields})

    return send


def _audit(tamper: list[str]) -> Callable[[str, tuple[Any, ...]], None]:
    refusal, refused = audit.policy(), RuntimeError

    def hook(event: str, args: tuple[Any, ...]) -> None:
        reason = refusal(event, args)
        if reason is not None:
            tamper.append(f"blocked: {reason}")
            raise refused(f"assay gate: {reason} is not allowed during verification")

    return hook


def _snapshot() -> Snapshot:
    """Identities of what decides and reports outcomes: builtins, channel modules' globals."""
    return {
        "modules": {m: id(sys.modules.get(m)) for m in (*_GUARDED_MODULES, "builtins")},
        "builtins": {k: id(v) for k, v in vars(builtins).items() if k != "_"},
        **{m: {k: id(v) for k, v in vars(sys.modules[m]).items()} for m in _GUARDED_MODULES},
    }


def integrity_check() -> Callable[[], list[str]]:
    """Snapshot now; return a check of what changed since, with every name it uses bound now.

    Made before candidate code runs: a candidate that rebinds ``vars`` or ``id`` (or this
    module's functions) cannot blind it. Compared in place: no second snapshot is built.
    """
    before, modules, id_of, kind = _snapshot(), sys.modules, id, type
    spaces = {"builtins": vars(builtins), **{m: vars(modules[m]) for m in _GUARDED_MODULES}}

    def check() -> list[str]:
        found: list[str] = []
        try:
            for group, items in before.items():
                if group == "modules":
                    found += [
                        f"modules changed: {m}"
                        for m, i in items.items()
                        if id_of(modules.get(m)) != i
                    ]
                    continue
                now = spaces[group]
                label = (
                    "builtins changed: " if group == "builtins" else f"globals changed: {group}:"
                )
                found += [f"{label}{k}" for k, i in items.items() if id_of(now.get(k)) != i]
        except Exception as exc:  # a deleted or replaced module is itself tampering
            found.append(f"integrity check failed: {kind(exc).__name__}: {exc}")
        return found

    return check


def _describe(exc: BaseException, skip: int = 0) -> str:
    """The traceback of a failure (without the runner's own ``skip`` frames), clipped."""
    tb = exc.__traceback__
    for _ in range(skip):
        tb = tb.tb_next if tb is not None else None
    try:
        text = "".join(traceback.format_exception(type(exc), exc, tb))
    except BaseException as inner:  # a hostile __str__ must not stop the report
        text = f"{type(exc).__name__} (unprintable: {type(inner).__name__})"
    return text[-_CLIP:]


def _execute(spec: RunSpec) -> None:
    """Collect and run the tests, then send the one signed report of this run."""
    send = _sender(bytes.fromhex(spec.secret.pop()))
    # Everything used after the first candidate import is bound here, before it: a candidate
    # may rebind builtins or this module's globals, which then changes nothing below.
    run_tests, integrity, finish = _run_tests, spec.integrity, _interpreter_exit
    namespace, kind, id_of, is_callable, any_ = vars, type, id, callable, any
    function = types.FunctionType
    counts: dict[str, int] = {}
    current = [""]

    def tick() -> None:
        counts[current[0]] = counts.get(current[0], 0) + 1

    for p in spec.modules:
        linecache.cache[p.module.path] = (len(p.source), None, p.lines, "")
    tamper: list[str] = []
    sys.addaudithook(_audit(tamper))
    collected: list[tuple[str, Any]] = []
    errors: list[dict[str, str]] = []
    spaces: list[tuple[str, dict[str, Any], dict[str, int]]] = []
    for p in spec.modules:
        current[0] = p.module.path
        mod = types.ModuleType(p.module.name)
        mod.__file__ = os.path.join(spec.work, p.module.path)
        setattr(mod, TICK, tick)
        sys.modules[p.module.name] = mod
        try:
            exec(p.code, vars(mod))
        except BaseException as exc:
            errors.append({"id": p.module.path, "text": _describe(exc)})
            continue
        space = namespace(mod)
        for t in p.module.tests:
            fn: Any = space.get(t)
            # Only the function the module's own code defined is its test (not a stand-in a
            # candidate's thread swapped in while the module ran).
            if not (
                kind(fn) is function
                and fn.__globals__ is space
                and any_(fn.__code__ is c for c in p.functions)
            ):
                tamper.append(f"test function replaced: {p.module.path}::{t}")
            collected.append((f"{p.module.path}::{t}", fn))
        extra = [k for k, v in space.items() if k.startswith("test") and is_callable(v)]
        collected += [(f"{p.module.path}::{k}", None) for k in extra if k not in p.module.tests]
        ids = {k: id_of(v) for k, v in space.items() if is_callable(v)}
        spaces.append((p.module.path, space, ids))
    tests = [] if errors else run_tests(collected, current, counts)
    for path, space, ids in spaces:
        tamper += [
            f"test module changed: {path}:{k}" for k, i in ids.items() if id_of(space.get(k)) != i
        ]
    send(
        "report",
        collected=[tid for tid, _ in collected],
        collect_errors=errors,
        tests=tests,
        exitstatus=2 if errors else int(any_(t["outcome"] != "passed" for t in tests)),
        tamper=tamper + integrity(),
        asserts=counts,
    )
    finish()


def _run_tests(
    collected: list[tuple[str, Any]], current: list[str], counts: dict[str, int]
) -> list[dict[str, Any]]:
    results = []
    for tid, fn in collected:
        current[0] = tid
        outcome, text = "passed", ""
        try:
            if fn is None:
                raise RuntimeError(f"{tid} is not a plain test function")
            fn()
        except BaseException as exc:
            outcome, text = "failed", _describe(exc, skip=1)
        results.append({"id": tid, "outcome": outcome, "asserts": counts.get(tid, 0), "text": text})
    return results


def _interpreter_exit() -> None:
    """What the interpreter does after pytest returns: join threads, run ``atexit`` handlers.

    ``threading`` is looked up, never imported: importing it in the server would add its
    at-fork handler to every run (it more than doubles the cost of a fork).
    """
    threading = sys.modules.get("threading")
    if threading is not None:
        main = threading.main_thread()
        for t in threading.enumerate():
            if t is not main and not t.daemon:
                t.join()
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
