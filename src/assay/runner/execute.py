"""Run a whole experiment: expand the manifest, run attempts concurrently, record, resume."""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from assay import __version__
from assay.agents.config import LoopConfig
from assay.errors import InputError
from assay.models.spec import load_model
from assay.oversight.protocol import Channel
from assay.oversight.registry import build_channel
from assay.records.attempt import AttemptRecord
from assay.records.canonical import dumps
from assay.records.manifest import Manifest
from assay.runner.attempt import infrastructure_fault, run_attempt
from assay.runner.bounded import BoundedModel
from assay.runner.builtin_scripts import materialize
from assay.runner.spec import Arm, AttemptSpec
from assay.sandbox.isolation import Plan, plan_for
from assay.sandbox.limits import Limits
from assay.sandbox.scratch import scratch_dir
from assay.store.rundir import RunDir
from assay.tasks.load import Task
from assay.tasks.suite import load_suite

if TYPE_CHECKING:
    from rich.progress import Progress

_Handler = Callable[[int, FrameType | None], Any] | int | None
"""A SIGINT handler as ``signal.signal`` returns it."""


def environment(plan: Plan) -> dict[str, Any]:
    """What the run ran on: versions, platform, isolation (no paths, no secrets)."""
    src = Path(__file__).resolve().parent
    sha = dirty = None
    try:
        sha = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=True,
        ).stdout.strip()
        dirty = bool(
            subprocess.run(
                ["git", "-C", str(src), "status", "--porcelain", "."],
                capture_output=True,
                text=True,
                timeout=5,
                check=True,
            ).stdout.strip()
        )
    except (OSError, subprocess.SubprocessError):
        pass
    return {
        "assay_version": __version__,
        "git_sha": sha,
        "git_dirty": dirty,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "isolation": plan.describe(Limits()).model_dump(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _tasks(manifest: Manifest) -> list[Task]:
    tasks: dict[str, Task] = {}
    for suite in manifest.suites:
        for t in load_suite(suite):
            tasks.setdefault(t.id, t)
    if manifest.tasks:
        unknown = sorted(set(manifest.tasks) - set(tasks))
        if unknown:
            raise InputError.single(
                "manifest",
                "tasks",
                f"unknown task ids {unknown}",
                "use ids printed by `assay tasks list SUITE`",
            )
        return [tasks[i] for i in manifest.tasks]
    return sorted(tasks.values(), key=lambda t: t.id)


def _model_spec(spec: str, run: RunDir, tasks: list[Task]) -> str:
    if spec.startswith("scripted:builtin:"):
        return "scripted:" + str(materialize(spec.split(":", 2)[2], run.root / "inputs", tasks))
    return spec


def _arms(manifest: Manifest, run: RunDir, tasks: list[Task]) -> dict[str, Arm]:
    arms = {}
    for agent in manifest.agents:
        spec = _model_spec(agent.model, run, tasks)
        model = load_model(spec)
        script = getattr(model, "script", None)
        keys = frozenset(getattr(script, "tasks", {}) or {})
        cli = agent.kind.startswith("cli:")
        arms[agent.id] = Arm(
            model=BoundedModel(model, manifest.concurrency.model_connections),
            config=LoopConfig() if cli else LoopConfig.model_validate(agent.config),
            script_keys=keys,
        )
        if cli:
            from assay.agents.external.agent import cli_arm

            arms[agent.id].make_agent = cli_arm(
                agent.kind, model=model, model_spec=spec, config=agent.config, root=run.root
            )
    return arms


def _channels(manifest: Manifest, run: RunDir, tasks: list[Task], plan: Plan) -> dict[str, Channel]:
    names = {n for c in manifest.conditions for n in c.channels}
    names |= {c.escalate_to for c in manifest.conditions if c.escalate_to}
    review_model = None
    if "review" in names:
        if manifest.review.kind == "human":
            names = {("review:human" if n == "review" else n) for n in names}
        elif manifest.review.model is None:
            raise InputError.single(
                "manifest",
                "review.model",
                "review needs a model",
                "set review.model, e.g. openai:gpt-4o-mini",
            )
        else:
            review_model = load_model(_model_spec(manifest.review.model, run, tasks))
    out: dict[str, Channel] = {}
    for name in sorted(names):
        key = "review" if name == "review:human" else name
        out[key] = build_channel(
            name, cost=manifest.costs.get(key, 0.0), review_model=review_model, plan=plan
        )
    return out


def plan_attempts(manifest: Manifest, tasks: list[Task]) -> list[AttemptSpec]:
    """Every attempt of the experiment, interleaved so that arms share machine conditions."""
    return [
        AttemptSpec(task=t, agent=a, condition=c, seed=s)
        for s in range(1, manifest.seeds + 1)
        for t in tasks
        for a in manifest.agents
        for c in manifest.conditions
    ]


def run_experiment(
    manifest: Manifest,
    out: Path,
    *,
    resume: bool = False,
    source_text: str | None = None,
    show_progress: bool = True,
) -> RunDir:
    """Run (or resume) an experiment into ``out``; return the run directory."""
    plan = plan_for()
    if resume:
        run = RunDir.open(out)
        if run.digest != manifest.digest():
            raise InputError.single(
                out / "manifest.sha256",
                "",
                "manifest_changed: the manifest differs from the one this run started with",
                "resume with the original manifest or start a new run",
            )
    else:
        out.mkdir(parents=True, exist_ok=True)
        run = RunDir.create(
            out,
            manifest_json=dumps(manifest, indent=2),
            digest=manifest.digest(),
            environment=environment(plan),
            source_text=source_text,
        )
    tasks = _tasks(manifest)
    arms = _arms(manifest, run, tasks)
    channels = _channels(manifest, run, tasks, plan)
    finished = {i for i, r in run.latest().items() if r.outcome != "interrupted"}
    todo = [s for s in plan_attempts(manifest, tasks) if s.attempt_id not in finished]
    stop = threading.Event()
    _execute(
        todo,
        arms=arms,
        manifest=manifest,
        channels=channels,
        run=run,
        plan=plan,
        stop=stop,
        show_progress=show_progress,
    )
    run.write_summary()
    return run


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
) -> None:
    """Run ``todo`` concurrently, appending each record as its attempt finishes."""
    counts: Counter[str] = Counter()
    previous = _stop_on_sigint(stop)
    progress = _progress(show_progress)
    try:
        with (
            progress,
            scratch_dir("assay-run-") as scratch,
            ThreadPoolExecutor(max_workers=manifest.concurrency.attempts) as pool,
        ):
            bar = progress.add_task(manifest.name, total=len(todo), counts="")
            attempt = partial(
                run_attempt,
                manifest=manifest,
                channels=channels,
                run=run,
                scratch=scratch,
                plan=plan,
                stop=stop,
            )

            def finish(fut: Future[AttemptRecord], spec: AttemptSpec) -> None:
                record = _finished(fut, spec, arms, run)
                counts[record.outcome] += 1
                progress.update(
                    bar,
                    advance=1,
                    counts=" ".join(f"{k}={v}" for k, v in sorted(counts.items())),
                )

            _schedule(
                todo,
                submit=lambda spec: pool.submit(attempt, spec, arms[spec.agent.id]),
                finish=finish,
                width=manifest.concurrency.attempts,
                stop=stop,
            )
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)


def _schedule(
    todo: list[AttemptSpec],
    *,
    submit: Callable[[AttemptSpec], Future[AttemptRecord]],
    finish: Callable[[Future[AttemptRecord], AttemptSpec], None],
    width: int,
    stop: threading.Event,
) -> None:
    """Keep up to ``width`` attempts in flight, in order; start none once ``stop`` is set."""
    pending: set[Future[AttemptRecord]] = set()
    specs: dict[Future[AttemptRecord], AttemptSpec] = {}
    queue = list(todo)
    while queue or pending:
        while queue and len(pending) < width and not stop.is_set():
            spec = queue.pop(0)
            fut = submit(spec)
            specs[fut] = spec
            pending.add(fut)
        if not pending:
            break
        done, pending = wait(pending, return_when=FIRST_COMPLETED)
        for fut in done:
            finish(fut, specs[fut])


def _finished(
    fut: Future[AttemptRecord], spec: AttemptSpec, arms: dict[str, Arm], run: RunDir
) -> AttemptRecord:
    """Append a finished attempt's record (a harness failure is recorded as a fault)."""
    try:
        record = fut.result()
    except Exception as exc:  # the harness failed, not the agent: record it
        record = infrastructure_fault(
            spec, arms[spec.agent.id], run, f"{type(exc).__name__}: {exc}"
        )
    run.append(record)
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
