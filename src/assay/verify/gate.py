"""The verification gate: ``verify(task, workspace) -> Verdict``.

Completion is never the agent's word: a fresh folder is built from the candidate's files and
the task's pristine tests, pytest runs under the sandbox ``repeats`` times, and the verdict
passes only if every expected test (collected from the pristine tests with the reference
solution) was reported passed over the authenticated channel by a session that finished
normally, on every repeat, with nothing tampered. Stdout is never read for the verdict.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

from assay.errors import InputError
from assay.records.verdict import RunRecord, Verdict
from assay.sandbox import process
from assay.sandbox.isolation import Plan, plan_for
from assay.sandbox.limits import UNPRIVILEGED_UID, Limits
from assay.sandbox.profiles import SANDBOX_ROOT, interpreter_paths
from assay.sandbox.scratch import scratch_dir
from assay.tasks.load import Task
from assay.tasks.suite import BUNDLED_ROOT
from assay.verify import protocol
from assay.verify.decision import EXCERPT, OUTCOMES, RunEvidence, Staging, Suite, decide
from assay.verify.forkserver.pool import ForkPool, new_key, pool_for
from assay.verify.result_pipe import Received, ResultPipe, parse_lines
from assay.verify.stage import HIDDEN_DIR, Staged, lock_down, overlay, stage

Scope = Literal["all", "public"]
Executor = Literal["forkserver", "cold"]
"""``forkserver``: fork servers with pytest loaded (bwrap plans only); ``cold``: a fresh process."""
_expected_cache: dict[tuple[str, str, Scope], list[str]] = {}


def _limits(task: Task) -> Limits:
    v = task.spec.verify
    return Limits(cpu_s=int(v.timeout_s) + 1, memory_mb=v.memory_mb)


def _masks(task: Task) -> list[Path]:
    """Hide the task folder (its solution and hidden tests) from code run in the sandbox."""
    return [p for p in {task.root, BUNDLED_ROOT} if p.exists()]


def _pytest_args(root_in: str, test_files: list[str], *, collect_only: bool) -> list[str]:
    """Pytest's arguments: the gate's plugin, no conftest or planted config, pristine files."""
    args = [
        "-p", protocol.PLUGIN, "-p", "no:cacheprovider", "--noconftest",
        "-c", f"{root_in}/{HIDDEN_DIR}/pytest.ini", f"--rootdir={root_in}",
        "--import-mode=importlib", "-o", f"pythonpath={root_in}", "-o", "addopts=",
        "-q", "--no-header", "-p", "no:stepwise",
    ]  # fmt: skip
    if collect_only:
        args.append("--collect-only")
    return args + test_files


def _env(plan: Plan, home: str) -> dict[str, str]:
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": "/tmp" if plan.bwrap else home,
        "LANG": "C.UTF-8",
        "TMPDIR": "/tmp",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
    }


def _warm_pool(task: Task, plan: Plan, executor: Executor) -> ForkPool | None:
    """The fork-server pool when the warm path applies, else None (the cold path)."""
    if executor != "forkserver" or plan.bwrap is None:
        return None
    bound = [Path(p) for p in interpreter_paths()]
    if any(task.root.is_relative_to(b) for b in bound) and not task.root.is_relative_to(
        BUNDLED_ROOT
    ):
        return None  # the servers' masks would not hide this task's folder
    return pool_for(plan, (BUNDLED_ROOT,))


def _cold(
    task: Task, staged: Staged, plan: Plan, *, scratch: Path, index: int, collect_only: bool
) -> tuple[process.Exit, Received]:
    rundir = scratch / f"run{index}"
    workdir, logdir = rundir / "work", rundir / "log"
    shutil.copytree(staged.root, workdir)
    logdir.mkdir()
    lock_down(workdir, staged.test_files, UNPRIVILEGED_UID if plan.drop_uid else None)
    os.chmod(rundir, 0o711)
    root_in = SANDBOX_ROOT if plan.bwrap else str(workdir)
    channel = ResultPipe()
    env = {**_env(plan, str(workdir)), protocol.ENV_FDS: channel.env_value}
    argv = [
        sys.executable,
        "-I",
        "-B",
        "-m",
        "pytest",
        *_pytest_args(root_in, staged.test_files, collect_only=collect_only),
    ]
    try:
        exit_ = process.run(
            argv,
            plan=plan,
            workdir=workdir,
            env=env,
            limits=_limits(task),
            timeout_s=task.spec.verify.timeout_s,
            logdir=logdir,
            pass_fds=channel.child_fds,
            masks=_masks(task),
            on_spawn=channel.start,
        )
    except BaseException:
        channel.abandon()
        raise
    return exit_, channel.finish()


def _warm(
    task: Task, staged: Staged, plan: Plan, pool: ForkPool, *, collect_only: bool
) -> tuple[process.Exit, Received]:
    key = new_key()
    res = pool.run(
        staged.root,
        staged.test_files,
        argv_for=lambda root: _pytest_args(root, staged.test_files, collect_only=collect_only),
        limits=_limits(task),
        timeout_s=task.spec.verify.timeout_s,
        env=_env(plan, "/tmp"),
        key=key,
        lock_down=lock_down,
    )
    exit_ = process.Exit(res.returncode, res.timed_out, res.duration_s, res.stdout, res.stderr)
    return exit_, parse_lines(key, res.lines, overflow=res.overflow)


def _run_once(
    task: Task,
    staged: Staged,
    plan: Plan,
    *,
    scratch: Path,
    index: int,
    collect_only: bool = False,
    pool: ForkPool | None = None,
) -> RunEvidence:
    warm = None
    if pool is not None:
        try:
            warm = _warm(task, staged, plan, pool, collect_only=collect_only)
        except OSError as exc:
            # No server could start (seen on loaded machines): the cold path gives the same
            # evidence under the same sandbox, only slower.
            logging.getLogger(__name__).warning("warm path unavailable, going cold: %s", exc)
    if warm is not None:
        exit_, got = warm
    else:
        exit_, got = _cold(
            task, staged, plan, scratch=scratch, index=index, collect_only=collect_only
        )
    run = RunEvidence(
        record=RunRecord(
            index=index,
            returncode=exit_.returncode,
            signal=exit_.signal_name,
            timed_out=exit_.timed_out,
            duration_s=round(exit_.duration_s, 4),
            finished=False,
            exitstatus=None,
            forged_lines=got.forged + int(got.overflow),
            tamper=[],
            collect_errors=[],
        ),
        output=exit_.stderr,
    )
    for msg in got.messages:
        kind = msg.get("t")
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
            run.record.tamper.extend(str(t) for t in msg.get("tamper", []))
    return run


def expected_tests(
    task: Task, scope: Scope = "all", plan: Plan | None = None, executor: Executor = "forkserver"
) -> list[str]:
    """Collect the expected test ids from the pristine tests with the reference solution."""
    key = (str(task.root), task.content_hash(), scope)
    if key in _expected_cache:
        return _expected_cache[key]
    plan = plan or plan_for()
    with scratch_dir("assay-verify-") as scratch:
        template = scratch / "template"
        template.mkdir()
        overlay(task.workspace, template)
        overlay(task.solution, template)
        staged = _stage_into(task, template, scratch / "staged", scope)
        run = _run_once(
            task,
            staged,
            plan,
            scratch=scratch,
            index=0,
            collect_only=True,
            pool=_warm_pool(task, plan, executor),
        )
        if not run.record.finished and not run.record.collect_errors:
            # The trusted collection itself was cut short (a lost fork server, a timeout on a
            # loaded machine): that is the harness's trouble, so try once more, cold.
            run = _run_once(task, staged, plan, scratch=scratch, index=1, collect_only=True)
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


def _stage_into(task: Task, workspace: Path, dest: Path, scope: Scope) -> Staged:
    dest.mkdir()
    return stage(task, workspace, dest, hidden=scope == "all")


def verify(
    task: Task,
    workspace: str | Path,
    *,
    scope: Scope = "all",
    repeats: int | None = None,
    plan: Plan | None = None,
    strict_protected: bool = True,
    executor: Executor | None = None,
) -> Verdict:
    """Verify a candidate workspace against a task and return the verdict.

    ``scope="public"`` runs only the public tests (what an agent's ``done`` may see).
    With ``strict_protected`` a changed protected file fails the verdict by itself.
    ``executor`` picks the warm fork servers or a cold process per run (default: warm where
    the plan has bubblewrap; ``ASSAY_EXECUTOR`` overrides); both give the same evidence.
    A ``runner = "function"`` task is verified by :mod:`assay.verify.function` instead (its
    public scope still runs the public tests here).
    """
    ws = Path(workspace)
    if not ws.is_dir():
        raise InputError.single(ws, "", "workspace folder not found", "give an existing folder")
    if task.spec.verify.runner == "function" and scope == "all":
        from assay.verify.function.gate import verify_function

        return verify_function(task, ws, repeats=repeats, strict_protected=strict_protected)
    start = time.monotonic()
    plan = plan or plan_for()
    n = repeats or task.spec.verify.repeats
    chosen: Executor = executor or (
        "cold" if os.environ.get("ASSAY_EXECUTOR") == "cold" else "forkserver"
    )
    forks = _warm_pool(task, plan, chosen)
    expected = expected_tests(task, scope, plan, chosen)
    with scratch_dir("assay-verify-") as scratch:
        staged = _stage_into(task, ws, scratch / "staged", scope)
        workers = max(1, min(n, os.cpu_count() or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            runs = list(
                pool.map(
                    lambda i: _run_once(
                        task, staged, plan, scratch=scratch, index=i + 1, pool=forks
                    ),
                    range(n),
                )
            )
    suites: dict[str, Suite] = {
        tid: "hidden" if tid.startswith(HIDDEN_DIR + "/") else "public" for tid in expected
    }
    return decide(
        task.id,
        scope,
        suites,
        runs,
        isolation=plan.describe(_limits(task)),
        duration=time.monotonic() - start,
        staging=Staging(staged.protected_changed, staged.dropped, staged.escaped_links),
        strict_protected=strict_protected,
    )
