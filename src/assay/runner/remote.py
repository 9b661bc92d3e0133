"""One attempt run away from the run directory, as a Ray worker runs it (no Ray here).

A worker never writes the run directory: it checks its node (:mod:`assay.runner.node`),
builds the run's arms and channels once per process, runs the attempt against a *shadow*
run directory in its own scratch folder, and returns the finished record with the text of
every file the attempt left there (its events, its diff, its final code). The driver writes
those files and appends the record exactly as the local executor does, so a worker lost
half-way leaves nothing behind in the run directory.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from assay.oversight.protocol import Channel
from assay.records.attempt import AttemptRecord
from assay.records.manifest import Manifest
from assay.runner.arms import build_arms, build_channels
from assay.runner.attempt import run_attempt
from assay.runner.node import NodeExpectation, check_node
from assay.runner.review_budget import ReviewAccount
from assay.runner.spec import Arm, AttemptSpec
from assay.sandbox.scratch import scratch_dir
from assay.store.rundir import RunDir
from assay.tasks.load import Task

INPUTS = "inputs"
"""The shadow's folder of materialized scripts: the driver keeps its own copy."""


@dataclass(frozen=True)
class RunContext:
    """What every attempt of a run shares: put into the cluster's object store once."""

    manifest: Manifest
    tasks: list[Task]
    expect: NodeExpectation


@dataclass(frozen=True)
class RemoteResult:
    """A finished attempt as a worker returns it."""

    record: AttemptRecord
    files: dict[str, str]
    """Every file the attempt wrote, by its path relative to the run directory."""
    isolation: str
    """The gate's isolation level on the node (``bwrap`` or ``process``)."""


@dataclass
class _Built:
    arms: dict[str, Arm]
    channels: dict[str, Channel]
    inputs: Path


@dataclass
class _Cache:
    lock: threading.Lock = field(default_factory=threading.Lock)
    built: dict[str, _Built] = field(default_factory=dict)


_CACHE = _Cache()
"""Arms and channels per run (by manifest digest and task list), once per worker process."""


def _built(context: RunContext) -> _Built:
    key = context.manifest.digest() + "|" + ",".join(t.id for t in context.tasks)
    with _CACHE.lock:
        if key not in _CACHE.built:
            # Scripts are materialized into a folder that lives as long as the process.
            home = RunDir(Path(tempfile.mkdtemp(prefix="assay-worker-")))
            _CACHE.built[key] = _Built(
                arms=build_arms(context.manifest, home, context.tasks),
                channels=build_channels(context.manifest, home, context.tasks),
                inputs=home.root,
            )
        return _CACHE.built[key]


def run_remote(context: RunContext, spec: AttemptSpec) -> RemoteResult:
    """Check the node, run one attempt in scratch, return its record and files."""
    isolation = check_node(context.expect, spec.task)
    built = _built(context)
    with scratch_dir("assay-remote-") as scratch:
        shadow = RunDir(scratch / "run")
        for sub in ("events", "diffs", "finals"):
            (shadow.root / sub).mkdir(parents=True)
        record = run_attempt(
            spec,
            built.arms[spec.agent.id],
            manifest=context.manifest,
            channels=built.channels,
            run=shadow,
            scratch=scratch,
            plan=isolation.plan,
            stop=threading.Event(),
            # Per-attempt review limits hold here; run limits are refused before the run.
            review_account=ReviewAccount(context.manifest.review_budget, []),
        )
        files = {
            path.relative_to(shadow.root).as_posix(): path.read_text(encoding="utf-8")
            for path in sorted(shadow.root.rglob("*"))
            if path.is_file() and path.relative_to(shadow.root).parts[0] != INPUTS
        }
    return RemoteResult(record=record, files=files, isolation=isolation.level)
