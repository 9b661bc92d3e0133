"""The gate for pytest tasks: the tests in one process, the candidate in another.

One verification run starts two processes and one deadline:

* the **candidate's process** (:mod:`.sandbox`, :mod:`.candidate_main`): the system
  interpreter in bubblewrap, its own uid, no network, its files in a private ``/tmp``; it
  holds no test, expected value, reference or verdict;
* the **test process** (:mod:`.trusted_main`): pytest with the task's pristine tests, the
  candidate's modules served as proxies (:mod:`.trusted`); it never imports or runs
  candidate code, and reports over a pipe the candidate cannot reach.

The parent waits with the task's deadline and kills both trees at the end. The pass rule is
:func:`assay.verify.decision.decide`, as for every path.
"""

from __future__ import annotations

import json
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from assay.errors import InputError
from assay.records.verdict import Isolation, RunRecord, Verdict
from assay.sandbox.limits import Limits
from assay.sandbox.process import read_clipped
from assay.sandbox.scratch import scratch_dir
from assay.tasks.check import reference_workspace
from assay.tasks.load import Task
from assay.verify import deps
from assay.verify.decision import EXCERPT, OUTCOMES, RunEvidence, Staging, Suite, decide
from assay.verify.remote import sandbox, staging, tester
from assay.verify.remote.staging import HIDDEN_DIR, OverQuota

REPORT_CAP = 16 * 1024 * 1024
_expected_cache: dict[tuple[str, str, str], list[str]] = {}


def _limits(task: Task) -> Limits:
    v = task.spec.verify
    return Limits(cpu_s=int(v.timeout_s) + 1, memory_mb=v.memory_mb)


def _trusted_limits(task: Task) -> Limits:
    v = task.spec.verify
    return Limits(cpu_s=int(v.timeout_s) + 5, memory_mb=max(v.memory_mb, 2048), nofile=1024)


def isolation(task: Task, uid: bool) -> Isolation:
    """What the candidate's process had (recorded in every verdict)."""
    notes = [
        "two processes: pytest, the tests and the verdict ran in a trusted process that never "
        "imported candidate code; the candidate's modules ran alone in their own sandbox and "
        "were reached through proxies (plain values copied, other objects as handles)",
        "candidate sandbox: system interpreter only (no assay virtualenv), /usr and system "
        "libraries read-only, private /tmp discarded after the run, no network",
    ]
    if not uid:
        notes.append("no unprivileged uid of its own (not root): process-count limit not enforced")
    limits = _limits(task)
    return Isolation(
        level="bwrap",
        unprivileged_uid=uid,
        network_isolated=True,
        pid_namespace=True,
        readonly_system=True,
        hidden_paths=["/root", "/home", "/tmp", "/work", "/opt", "/srv", "/var", "/run"],
        rlimits={"cpu_s": limits.cpu_s, "memory_mb": limits.memory_mb, "fsize_mb": 16},
        notes=notes,
    )


def _not_started(index: int) -> RunRecord:
    """A run's record before anything is known (filled in as the run reports)."""
    return RunRecord(
        index=index, returncode=-1, signal=None, timed_out=False, duration_s=0.0,
        finished=False, exitstatus=None, forged_lines=0, tamper=[], collect_errors=[],
    )  # fmt: skip


def _read_all(fd: int, out: bytearray) -> None:
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return
        if len(out) < REPORT_CAP:
            out += chunk


def run_once(
    task: Task,
    files: dict[str, bytes],
    tests_root: Path,
    test_files: list[str],
    *,
    scratch: Path,
    index: int,
    collect_only: bool = False,
) -> tuple[RunEvidence, bool]:
    """One pytest session against one fresh candidate process; (evidence, had its own uid)."""
    site = deps.site_for(task.spec.verify.dependencies)
    log = scratch / f"trusted{index}.log"
    report_r, report_w = os.pipe()
    record = _not_started(index)
    start = time.monotonic()
    try:
        cand = sandbox.take(site)
    except sandbox.SandboxUnavailable:
        os.close(report_r)
        os.close(report_w)
        raise
    cand.send(files, _limits(task))
    own_uid = cand.uid is not None
    shared = cand.shared
    cfg = {
        "control_fd": cand.control.fileno(),
        "report_fd": report_w,
        "modules": staging.module_names(files, test_files),
        "root": str(tests_root),
        "shared": str(shared / "pytest"),
        "test_files": test_files,
        "collect_only": collect_only,
    }
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(scratch),
        "LANG": "C.UTF-8",
        "TMPDIR": str(scratch),
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }
    report = bytearray()
    try:
        with log.open("wb") as out:
            proc = tester.spawn(
                cfg,
                control=cand.control.fileno(),
                report=report_w,
                log=out.fileno(),
                limits=_trusted_limits(task),
                env=env,
            )
        os.close(report_w)
        reader = threading.Thread(target=_read_all, args=(report_r, report), daemon=True)
        reader.start()
        # The session has ended when its report pipe closes (the only writer is the process).
        reader.join(timeout=task.spec.verify.timeout_s)
        record.timed_out = reader.is_alive()
        proc.kill()
        reader.join(timeout=10)
        code = proc.reap()
    finally:
        cand.stop()
        os.close(report_r)
    record.duration_s = round(time.monotonic() - start, 4)
    run = RunEvidence(record=record, output=read_clipped(log))
    exit_status = _interpret(bytes(report), run)
    # Our own child's status, or the status a fork-server child reported as its last line.
    record.returncode = code if code is not None else exit_status
    return run, own_uid


def _interpret(data: bytes, run: RunEvidence) -> int:
    """Fill ``run`` from the report; the exit status it ends with (-9: none, it was killed)."""
    status = -9
    for line in data.splitlines():
        try:
            msg = json.loads(line)
        except ValueError:
            run.record.forged_lines += 1  # cannot come from the test process: fail closed
            continue
        kind = msg.get("t") if isinstance(msg, dict) else None
        if kind == "collected":
            run.collected = [str(i) for i in msg.get("ids", [])]
        elif kind == "test":
            run.outcomes[str(msg.get("id"))] = OUTCOMES.get(str(msg.get("outcome")), "error")
            if msg.get("text"):
                run.texts[str(msg.get("id"))] = str(msg["text"])
        elif kind == "collect_error":
            run.record.collect_errors.append(f"{msg.get('id')}: {msg.get('text', '')}"[-EXCERPT:])
        elif kind == "finish":
            run.record.finished = True
            run.record.exitstatus = int(msg.get("exitstatus", -1))
        elif kind == "exit":
            status = int(msg.get("status", -1))
    return status


def _reference_files(task: Task, hidden: bool) -> staging.Staging:
    with scratch_dir("assay-ref-") as tmp:
        return staging.candidate_files(task, reference_workspace(task, tmp / "ref"), hidden=hidden)


def expected_tests(task: Task, scope: str = "all") -> list[str]:
    """Collect the expected test ids from the pristine tests with the reference solution."""
    key = (str(task.root), task.content_hash(), scope)
    if key in _expected_cache:
        return _expected_cache[key]
    ref = _reference_files(task, scope == "all")
    with scratch_dir("assay-verify-") as scratch:
        tests_root = scratch / "tests"
        staging.write_tests(task, tests_root, ref.test_files)
        for attempt in (0, 1):
            run, _ = run_once(
                task, ref.files, tests_root, ref.test_files, scratch=scratch, index=attempt,
                collect_only=True,
            )  # fmt: skip
            # A session cut short without a collection error (a timeout on a loaded machine,
            # a lost process) is the harness's trouble, not the task's: try once more.
            if run.record.finished or run.record.collect_errors:
                break
    if not run.record.finished or run.collected is None or run.record.collect_errors:
        detail = "; ".join(run.record.collect_errors) or run.output[-500:]
        raise InputError.single(
            task.root / "task.toml",
            "verify",
            f"the pristine tests do not collect with the reference solution: {detail}",
            "make the public and hidden tests importable against solution/",
        )
    if not run.collected:
        raise InputError.single(
            task.root / "task.toml",
            "verify",
            "no tests collected",
            "add test functions to the test files",
        )
    _expected_cache[key] = run.collected
    return run.collected


def verify_remote(
    task: Task, ws: Path, *, scope: str, repeats: int, strict_protected: bool
) -> Verdict:
    """Verify a pytest task's candidate workspace across the process boundary."""
    start = time.monotonic()
    try:
        return _verify(task, ws, scope=scope, repeats=repeats, strict_protected=strict_protected)
    except (sandbox.SandboxUnavailable, deps.DependencyError) as exc:
        # Never a weaker path: without the sandbox the candidate is not run at all.
        return _refused(task, scope, f"the candidate was not run: {exc}", start)


def _refused(
    task: Task, scope: str, why: str, start: float, suites: dict[str, Suite] | None = None
) -> Verdict:
    """A fail-closed verdict for a run that could not start (nothing was run)."""
    record = _not_started(1)
    return decide(
        task.id, "all" if scope == "all" else "public", suites or {},
        [RunEvidence(record, output=why)],
        isolation=isolation(task, False), duration=time.monotonic() - start,
    )  # fmt: skip


def _verify(task: Task, ws: Path, *, scope: str, repeats: int, strict_protected: bool) -> Verdict:
    start = time.monotonic()
    expected = expected_tests(task, scope)
    suites: dict[str, Suite] = {
        tid: "hidden" if tid.startswith(HIDDEN_DIR + "/") else "public" for tid in expected
    }
    try:
        found = staging.candidate_files(task, ws, hidden=scope == "all")
    except OverQuota as exc:
        return _refused(task, scope, f"workspace refused before reading: {exc}", start, suites)
    runs: list[RunEvidence] = []
    own_uid = True
    with scratch_dir("assay-verify-") as scratch:
        tests_root = scratch / "tests"
        staging.write_tests(task, tests_root, found.test_files)
        # The repeats run at once, each with its own sandbox; an exception in one reaches here.
        with ThreadPoolExecutor(max_workers=repeats) as pool:
            done = list(
                pool.map(
                    lambda i: run_once(
                        task, found.files, tests_root, found.test_files, scratch=scratch, index=i
                    ),
                    range(1, repeats + 1),
                )
            )
        for run, had_uid in done:
            runs.append(run)
            own_uid = own_uid and had_uid
    return decide(
        task.id,
        "all" if scope == "all" else "public",
        suites,
        runs,
        isolation=isolation(task, own_uid),
        duration=time.monotonic() - start,
        staging=Staging(found.protected_changed, found.dropped, found.links),
        strict_protected=strict_protected,
    )
