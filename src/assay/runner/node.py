"""The check a node passes before it runs an attempt of a run it did not start.

A node may run an attempt only if it would run it as the driver's machine would: the same
assay version, the same isolation level for the gate (a node without bubblewrap must not
quietly run candidates with less isolation), and the task's folder holding exactly the
files the run recorded in ``tasks.json`` (the suite's digest). The process-wide parts are
checked once per worker process, each task's folder once per task.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from assay import __version__
from assay.sandbox.isolation import Plan, plan_for
from assay.sandbox.limits import Limits
from assay.tasks.digest import file_digests, folder_digest
from assay.tasks.load import Task


@dataclass(frozen=True)
class NodeExpectation:
    """What the driver requires of every node."""

    assay_version: str
    isolation: str
    """The gate's isolation level on the driver's machine (``bwrap`` or ``process``)."""
    task_digests: dict[str, str]
    """Task id → the folder digest recorded in ``tasks.json``."""


@dataclass(frozen=True)
class NodeIsolation:
    """How this node isolates the gate."""

    plan: Plan
    level: str


class NodeMismatch(RuntimeError):
    """The node differs from the driver in a way that would change the attempt."""


@dataclass
class _Checked:
    lock: threading.Lock = field(default_factory=threading.Lock)
    isolation: NodeIsolation | None = None
    tasks: set[tuple[str, str | None]] = field(default_factory=set)


_CHECKED = _Checked()


def isolation_level(plan: Plan) -> str:
    """The isolation level a plan gives the gate."""
    return plan.describe(Limits()).level


def expectation(plan: Plan, task_digests: dict[str, str]) -> NodeExpectation:
    """What the driver's machine is: every node must match it."""
    return NodeExpectation(
        assay_version=__version__, isolation=isolation_level(plan), task_digests=task_digests
    )


def check_node(expect: NodeExpectation, task: Task) -> NodeIsolation:
    """Return this node's isolation, or raise :class:`NodeMismatch` saying what differs."""
    if __version__ != expect.assay_version:
        raise NodeMismatch(f"assay {__version__} here, {expect.assay_version} on the driver")
    with _CHECKED.lock:
        if _CHECKED.isolation is None:  # probing bubblewrap starts processes: once
            plan = plan_for()
            _CHECKED.isolation = NodeIsolation(plan=plan, level=isolation_level(plan))
        isolation = _CHECKED.isolation
    if isolation.level != expect.isolation:
        raise NodeMismatch(
            f"the gate's isolation is {isolation.level!r} here, {expect.isolation!r} on the"
            " driver (install bubblewrap on every node, or on none)"
        )
    want = expect.task_digests.get(task.id)
    with _CHECKED.lock:
        if (task.id, want) in _CHECKED.tasks:
            return isolation
    got = folder_digest(file_digests(task.root)) if task.root.is_dir() else None
    if got is None or got != want:
        raise NodeMismatch(
            f"task {task.id}: the folder {task.root} is "
            + ("missing" if got is None else "not the one the run recorded")
            + " on this node (copy the suite to the same path on every node)"
        )
    with _CHECKED.lock:
        _CHECKED.tasks.add((task.id, want))
    return isolation
