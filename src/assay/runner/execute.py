"""Run a whole experiment: expand the manifest, run attempts concurrently, record, resume.

Everything is validated before the run directory is created (manifest, suites, tasks,
model specs, agent configs, channels). A writer holds the run directory's lock from start to
end. A resume re-runs attempts without a record and interrupted ones, and, with
``retry_faults``, those whose last try ended in an infrastructure fault, each as a new try.
A full disk stops the run with :class:`~assay.errors.DiskFull`; nothing is recorded for the
attempts it cut short, so the resume runs them again.
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from assay.errors import DiskFull, InputError
from assay.oversight.protocol import Channel
from assay.records.attempt import AttemptRecord
from assay.records.canonical import dumps
from assay.records.manifest import ExecutorSpec, Manifest
from assay.records.preflight import PREFLIGHT_FILE
from assay.records.tasks import TASKS_FILE, SuiteEntry
from assay.runner.arms import build_arms, build_channels, check_manifest
from assay.runner.attempt import infrastructure_fault
from assay.runner.executor import Executor, local_executor
from assay.runner.interrupt import RunAborted, record_aborted
from assay.runner.prepare import (
    environment,
    load_tasks,
    recorded_tasks,
    resolve_suites,
    task_list,
    to_run,
)
from assay.runner.review_budget import ReviewAccount
from assay.runner.spec import Arm, AttemptSpec
from assay.sandbox.isolation import Plan, plan_for
from assay.sandbox.scratch import remove_orphans, run_scratch_prefix
from assay.store.atomic import full_disk_names, is_disk_full
from assay.store.rundir import RunDir
from assay.tasks.load import Task

if TYPE_CHECKING:
    from rich.progress import Progress

_log = logging.getLogger(__name__)
_Handler = Callable[[int, FrameType | None], Any] | int | None
"""A SIGINT handler as ``signal.signal`` returns it."""


def run_experiment(
    manifest: Manifest,
    out: Path,
    *,
    resume: bool = False,
    source_text: str | None = None,
    show_progress: bool = True,
    manifest_dir: Path | None = None,
    retry_faults: bool = False,
    preflight: Callable[[list[SuiteEntry], list[Task]], str] | None = None,
    executor: ExecutorSpec | None = None,
) -> RunDir:
    """Run (or resume) an experiment into ``out``; return the run directory.

    ``manifest_dir`` is the folder of the manifest file: suite paths are relative to it.
    ``preflight`` (a new run only) is called once everything is validated, before anything
    is written; it may stop the run by raising, and the JSON it returns is stored as
    ``preflight.json``. ``executor`` (default: the manifest's, else local) runs the attempts.
    """
    plan = plan_for()
    executor = executor or manifest.executor
    if executor is not None and executor.kind == "ray":
        from assay.runner.ray_executor import require_ray

        require_ray()  # before anything is written: a missing extra is bad input (exit 2)
    if resume:
        return _resume(
            manifest, out, plan, show_progress, retry_faults=retry_faults, executor=executor
        )
    suites = resolve_suites(manifest, manifest_dir)
    tasks = load_tasks(manifest, suites)
    recorded = task_list(suites, tasks)
    check_manifest(manifest, tasks)
    checked = preflight(suites, tasks) if preflight is not None else None
    with full_disk_names(out, out):
        out.mkdir(parents=True, exist_ok=True)
    with RunDir(out).lock("run"):
        try:
            run = RunDir.create(
                out,
                manifest_json=dumps(manifest, indent=2),
                digest=manifest.digest(),
                environment=environment(plan),
                tasks=recorded,
                source_text=source_text,
            )
        except DiskFull as full:
            # Nothing was started (no manifest.sha256 yet): the same command may run again.
            full.fix = "free space and run the same command again (nothing ran yet)"
            raise
        if checked is not None:
            run.write(PREFLIGHT_FILE, checked)
        _run(run, manifest, tasks, plan, show_progress, retry_faults=False, executor=executor)
    return run


def _resume(
    manifest: Manifest,
    out: Path,
    plan: Plan,
    show_progress: bool,
    *,
    retry_faults: bool,
    executor: ExecutorSpec | None,
) -> RunDir:
    """Continue a run under its lock: same manifest, same tasks, unchanged files."""
    run = RunDir.open(out)
    with run.lock("resume"):
        run.repair()
        if run.digest != manifest.digest():
            raise InputError.single(
                out / "manifest.sha256",
                "",
                "manifest_changed: the manifest differs from the one this run started with",
                "resume with the original manifest or start a new run",
            )
        recorded = run.tasks()
        if recorded is None:  # a run from before tasks.json: resolve as it did, then record
            suites = resolve_suites(manifest, None)
            tasks = load_tasks(manifest, suites)
            run.write(TASKS_FILE, dumps(task_list(suites, tasks), indent=1) + "\n")
        else:
            tasks = recorded_tasks(recorded, out)
        _run(
            run, manifest, tasks, plan, show_progress, retry_faults=retry_faults, executor=executor
        )
    return run


def _run(
    run: RunDir,
    manifest: Manifest,
    tasks: list[Task],
    plan: Plan,
    show_progress: bool,
    *,
    retry_faults: bool,
    executor: ExecutorSpec | None = None,
) -> None:
    """Run what is left of the experiment into ``run`` (the caller holds its lock)."""
    remove_orphans(run_scratch_prefix(run.root))  # what a killed writer left in scratch
    arms = build_arms(manifest, run, tasks)
    channels = build_channels(manifest, run, tasks)
    _execute(
        to_run(manifest, tasks, run, retry_faults=retry_faults),
        arms=arms,
        manifest=manifest,
        channels=channels,
        run=run,
        plan=plan,
        stop=threading.Event(),
        show_progress=show_progress,
        # Every try recorded so far has spent from the run's review budget.
        review_account=ReviewAccount(manifest.review_budget, run.attempts()),
        executor=executor,
        tasks=tasks,
    )
    run.write_summary()


def _execute(
    todo: list[AttemptSpec],
    *,
    arms: dict[str, Arm],
    manifest: Manifest,
    channels: dict[str, Channel],
    run: RunDir,
    plan: Plan,
    stop: threading.Event,
    show_progress: bool,
    review_account: ReviewAccount | None = None,
    executor: ExecutorSpec | None = None,
    tasks: list[Task] | None = None,
) -> None:
    """Run ``todo`` concurrently, appending each record as its attempt finishes.

    ``tasks`` are the run's tasks (default: those of ``todo``); a remote executor builds
    the arms from them as the driver did.
    """
    counts: Counter[str] = Counter()
    _log.debug("%s: %d attempt(s) to run, %d at once", run.root, len(todo), len(arms))
    previous = _stop_on_sigint(stop)
    progress = _progress(show_progress)
    opened = _open_executor(
        executor or manifest.executor or ExecutorSpec(),
        todo=todo,
        tasks=tasks if tasks is not None else list({s.task.id: s.task for s in todo}.values()),
        arms=arms,
        manifest=manifest,
        channels=channels,
        run=run,
        plan=plan,
        stop=stop,
        review_account=review_account,
    )
    try:
        with progress, opened as (runner, width):
            bar = progress.add_task(manifest.name, total=len(todo), counts="")

            def finish(fut: Future[AttemptRecord], spec: AttemptSpec) -> None:
                record = _finished(fut, spec, arms, run, stop)
                counts[record.outcome] += 1
                _log.info(
                    "%s try %d: %s (%.1f s)",
                    spec.attempt_id,
                    spec.try_,
                    record.outcome,
                    record.duration_s,
                )
                progress.update(
                    bar,
                    advance=1,
                    counts=" ".join(f"{k}={v}" for k, v in sorted(counts.items())),
                )

            def abort(spec: AttemptSpec) -> None:
                runner.abandon(spec)
                record_aborted(spec, arms[spec.agent.id], run)

            _schedule(
                todo,
                submit=runner.submit,
                finish=finish,
                width=width,
                stop=stop,
                abort=abort,
            )
    except KeyboardInterrupt:
        print(
            f"aborted: attempts in flight were recorded as interrupted;"
            f" continue with `assay run --resume {run.root}`",
            file=sys.stderr,
        )
        raise RunAborted(str(run.root)) from None
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


@contextmanager
def _open_executor(
    spec: ExecutorSpec,
    *,
    todo: list[AttemptSpec],
    tasks: list[Task],
    arms: dict[str, Arm],
    manifest: Manifest,
    channels: dict[str, Channel],
    run: RunDir,
    plan: Plan,
    stop: threading.Event,
    review_account: ReviewAccount | None,
) -> Iterator[tuple[Executor, int]]:
    """The executor ``spec`` names, and how many attempts to keep in flight on it."""
    if spec.kind == "ray":
        # Imported here: the local path (and `assay --help`) never loads Ray's module.
        from assay.runner.ray_executor import ray_executor

        with ray_executor(spec, tasks=tasks, manifest=manifest, run=run, plan=plan) as (
            ray_runner,
            width,
        ):
            yield ray_runner, width
        return
    with local_executor(
        arms=arms,
        manifest=manifest,
        channels=channels,
        run=run,
        plan=plan,
        stop=stop,
        review_account=review_account,
    ) as local:
        yield local, manifest.concurrency.attempts


def _schedule(
    todo: list[AttemptSpec],
    *,
    submit: Callable[[AttemptSpec], Future[AttemptRecord]],
    finish: Callable[[Future[AttemptRecord], AttemptSpec], None],
    width: int,
    stop: threading.Event,
    abort: Callable[[AttemptSpec], object],
) -> None:
    """Keep up to ``width`` attempts in flight, in order; start none once ``stop`` is set.

    On KeyboardInterrupt (the second Ctrl-C) every attempt in flight is finished if it is
    done, else ``abort``-ed (recorded as interrupted), before the interrupt goes on.
    """
    pending: set[Future[AttemptRecord]] = set()
    specs: dict[Future[AttemptRecord], AttemptSpec] = {}
    queue = list(todo)
    try:
        while queue or pending:
            while queue and len(pending) < width and not stop.is_set():
                spec = queue.pop(0)
                fut = submit(spec)
                specs[fut] = spec
                pending.add(fut)
            if not pending:
                break
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                pending.discard(fut)
                finish(fut, specs[fut])
    except KeyboardInterrupt:
        for fut in pending:
            if fut.done():
                finish(fut, specs[fut])
            else:
                abort(specs[fut])
        raise


def _finished(
    fut: Future[AttemptRecord],
    spec: AttemptSpec,
    arms: dict[str, Arm],
    run: RunDir,
    stop: threading.Event,
) -> AttemptRecord:
    """Append a finished attempt's record (a harness failure is recorded as a fault).

    A full disk is no attempt's fault: nothing is recorded for it, the run stops (attempts in
    flight end as interrupted, if their records still fit) and :class:`DiskFull` is raised.
    """
    try:
        try:
            record = fut.result()
        except DiskFull:
            raise
        except Exception as exc:
            if is_disk_full(exc):
                name = getattr(exc, "filename", None) or "a scratch file"
                raise DiskFull(str(name), str(run.root)) from exc
            # The harness failed, not the agent: record it.
            record = infrastructure_fault(
                spec, arms[spec.agent.id], run, f"{type(exc).__name__}: {exc}"
            )
        run.append(record)
    except DiskFull:
        stop.set()
        raise
    return record


def _stop_on_sigint(stop: threading.Event) -> _Handler:
    """On the main thread, make Ctrl-C set ``stop`` (twice aborts); return the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def on_sigint(signum: int, frame: object) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print(
            "\nstopping: attempts in flight are recorded as interrupted (Ctrl-C again to abort)",
            file=sys.stderr,
        )

    return signal.signal(signal.SIGINT, on_sigint)


def _progress(show: bool) -> Progress:
    """The progress bar, on stderr (stdout carries only the run directory's path)."""
    # rich is imported here, not at the top: `assay --help` stays fast.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        disable=not show,
        console=Console(stderr=True),
        transient=False,
    )
