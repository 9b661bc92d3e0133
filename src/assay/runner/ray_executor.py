"""The Ray executor: each attempt a Ray task on a cluster; the driver the only writer.

``assay run --executor ray [--address auto|HOST:PORT|ray://HOST:PORT]`` (or ``[executor]``
in the manifest). Without an address, a cluster of this machine is started for the run and
stopped after it. A worker runs an attempt in its own scratch folder
(:mod:`assay.runner.remote`) and returns the record and the files; the collector thread
here writes those files into the run directory, and the runner appends the record, as for
the local executor. A worker or node lost under an attempt is the infrastructure's failure:
the attempt is started again (at most :data:`MAX_LOST` times) and recorded once, its
``ran_on.lost_workers`` saying how often it was lost. Ray itself is imported only here,
inside functions: ``assay --help`` and the local path never load it.
"""

from __future__ import annotations

import os
import platform
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from assay.errors import InputError
from assay.records.attempt import AttemptRecord, Placement
from assay.records.manifest import ExecutorSpec, Manifest
from assay.runner.node import expectation
from assay.runner.ray_resources import (
    SANDBOX,
    attempt_resources,
    endpoint_of,
    local_cluster_resources,
)
from assay.runner.remote import RemoteResult, RunContext, run_remote
from assay.runner.spec import AttemptSpec
from assay.sandbox.isolation import Plan
from assay.store.rundir import RunDir
from assay.tasks.load import Task

EXTRA = "dist"
"""The optional extra that carries Ray."""
_WRITABLE = frozenset({"events", "diffs", "finals"})
"""The folders of the run directory an attempt writes (what a worker may send back)."""
MAX_LOST = 3
"""How many times one try of an attempt may lose its worker before it is a fault."""


class RemoteFailure(RuntimeError):
    """The harness failed on a worker (the node check, the worker's disk, a bug)."""


class WorkersLost(RuntimeError):
    """An attempt lost its worker more than :data:`MAX_LOST` times."""


def require_ray() -> Any:
    """The ``ray`` module, or :class:`InputError` (exit 2) naming the extra to install."""
    try:
        import ray
    except ImportError:
        raise InputError.single(
            "--executor",
            "ray",
            "Ray is not installed (the ray executor needs it)",
            f"pip install 'assay[{EXTRA}]', or run with the local executor",
        ) from None
    return ray


def _on_worker(context: RunContext, spec: AttemptSpec) -> tuple[RemoteResult, str]:
    """The Ray task of one attempt: its result and the node (``HOST/NODE_ID``) it ran on."""
    import ray

    node = ray.get_runtime_context().get_node_id()[:12]
    return run_remote(context, spec), f"{platform.node()}/{node}"


@dataclass
class _Flight:
    spec: AttemptSpec
    future: Future[AttemptRecord]
    endpoint: str | None
    lost: int = 0


class RayExecutor:
    """Submits attempts as Ray tasks; a collector thread resolves their futures in order."""

    def __init__(
        self,
        ray: Any,
        *,
        context: Any,
        run: RunDir,
        endpoints: Mapping[str, str | None],
        connections: int,
    ) -> None:
        self._ray = ray
        self._context = context
        self._run = run
        self._endpoints = endpoints
        self._connections = connections
        self._advertised = set(ray.cluster_resources())
        self._remote = ray.remote(_on_worker)
        self._lock = threading.Condition()
        self._waiting: list[_Flight] = []
        self._flying: dict[Any, _Flight] = {}
        self._busy: Counter[str | None] = Counter()
        self._closed = False
        self._thread = threading.Thread(target=self._collect, name="assay-ray", daemon=True)
        self._thread.start()

    def submit(self, spec: AttemptSpec) -> Future[AttemptRecord]:
        """Queue one attempt; it starts once its endpoint has a free connection."""
        future: Future[AttemptRecord] = Future()
        with self._lock:
            self._waiting.append(_Flight(spec, future, self._endpoints[spec.agent.id]))
            self._launch()
            self._lock.notify_all()
        return future

    def abandon(self, spec: AttemptSpec) -> None:
        """Cancel an attempt in flight (its worker is killed; nothing of it is written)."""
        with self._lock:
            for ref, flight in list(self._flying.items()):
                if flight.spec == spec:
                    del self._flying[ref]
                    self._ray.cancel(ref, force=True)
            self._waiting = [f for f in self._waiting if f.spec != spec]

    def close(self) -> None:
        """Stop the collector; cancel whatever is still in flight."""
        with self._lock:
            self._closed = True
            for ref in self._flying:
                self._ray.cancel(ref, force=True)
            self._flying.clear()
            self._lock.notify_all()
        self._thread.join(timeout=30)

    def _launch(self) -> None:
        """Start every waiting attempt whose endpoint has room (the caller holds the lock)."""
        still = []
        for flight in self._waiting:
            if flight.endpoint is not None and self._busy[flight.endpoint] >= self._connections:
                still.append(flight)
                continue
            self._busy[flight.endpoint] += 1
            options = self._remote.options(
                num_cpus=1,
                resources=attempt_resources(flight.endpoint, self._advertised),
                max_retries=0,  # a lost worker is retried here, so it is counted
            )
            self._flying[options.remote(self._context, flight.spec)] = flight
        self._waiting = still

    def _collect(self) -> None:
        while True:
            with self._lock:
                while not self._closed and not self._flying:
                    self._lock.wait()
                if self._closed:
                    return
                refs = list(self._flying)
            ready, _ = self._ray.wait(refs, num_returns=1, timeout=0.5)
            for ref in ready:
                with self._lock:
                    flight = self._flying.pop(ref, None)
                if flight is None:  # abandoned meanwhile
                    continue
                try:
                    self._settle(ref, flight)
                except Exception as exc:  # never leave the runner waiting on a future
                    if not flight.future.done():
                        flight.future.set_exception(exc)

    def _settle(self, ref: Any, flight: _Flight) -> None:
        """Resolve one finished task: write its files, or retry a lost worker, or fail."""
        exceptions = self._ray.exceptions
        try:
            result, node = self._ray.get(ref)
        except exceptions.RayTaskError as exc:  # the harness raised on the worker
            self._release(flight)
            cause = getattr(exc, "cause", None) or exc
            # Whatever it was (a node check, the worker's own disk), it happened on the
            # worker: an infrastructure fault of this attempt, never the driver's full disk.
            flight.future.set_exception(RemoteFailure(f"{type(cause).__name__}: {cause}"))
            return
        except exceptions.RayError as exc:  # the worker or its node is gone
            flight.lost += 1
            with self._lock:
                self._busy[flight.endpoint] -= 1
                if flight.lost > MAX_LOST:
                    flight.future.set_exception(
                        WorkersLost(f"lost its worker {flight.lost} times: {exc}"[:1000])
                    )
                else:
                    self._waiting.insert(0, flight)
                self._launch()
            return
        self._release(flight)
        try:
            for rel, text in result.files.items():
                parts = PurePosixPath(rel).parts
                if not parts or parts[0] not in _WRITABLE or ".." in parts:
                    raise ValueError(f"a worker returned a file outside the run's folders: {rel}")
                (self._run.root / parts[0]).mkdir(exist_ok=True)
                self._run.write(rel, text)
        except Exception as exc:  # a full disk above all: the runner decides
            flight.future.set_exception(exc)
            return
        placed = Placement(
            executor="ray", node=node, isolation=result.isolation, lost_workers=flight.lost
        )
        flight.future.set_result(result.record.model_copy(update={"ran_on": placed}))

    def _release(self, flight: _Flight) -> None:
        with self._lock:
            self._busy[flight.endpoint] -= 1
            self._launch()


def _connect(ray: Any, spec: ExecutorSpec, endpoints: set[str], connections: int) -> bool:
    """Connect to the cluster ``spec`` names, or start one here; True if this call did.

    False when Ray was already initialised: a caller that called ``ray.init`` itself keeps
    its cluster (and its connection) after the run.
    """
    if ray.is_initialized():
        return False
    quiet = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
    if spec.address in (None, "local"):
        slots = os.cpu_count() or 1
        ray.init(
            num_cpus=slots,
            resources=local_cluster_resources(slots, endpoints, connections),
            # A cluster of this machine listens on loopback only.
            _node_ip_address="127.0.0.1",
            **quiet,
        )
        return True
    try:
        ray.init(address=spec.address, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise InputError.single(
            "--address",
            spec.address or "",
            f"cannot connect to a Ray cluster there: {exc}",
            "start one (`ray start --head --resources '{\"assay_sandbox\": N}'`) or drop"
            " --address to start a cluster on this machine",
        ) from None
    return True


@contextmanager
def ray_executor(
    spec: ExecutorSpec,
    *,
    tasks: list[Task],
    manifest: Manifest,
    run: RunDir,
    plan: Plan,
) -> Iterator[tuple[RayExecutor, int]]:
    """A :class:`RayExecutor` on the cluster ``spec`` names, and the width to keep in flight.

    The width is the cluster's sandbox slots: Ray queues the rest, and the driver's queue
    keeps the order.
    """
    ray = require_ray()
    budget = manifest.review_budget
    if budget is not None and budget.run is not None:
        raise InputError.single(
            "manifest",
            "review_budget.run",
            "a run-wide review budget is shared by every attempt in flight; the ray executor"
            " has no shared account yet",
            "limit reviews per attempt (review_budget.attempt) or run with the local executor",
        )
    endpoints = {a.id: endpoint_of(a.model) for a in manifest.agents}
    connections = manifest.concurrency.model_connections
    owned = _connect(ray, spec, {e for e in endpoints.values() if e}, connections)
    try:
        slots = int(ray.cluster_resources().get(SANDBOX, 0))
        if slots < 1:
            raise InputError.single(
                "--address",
                spec.address or "",
                f"the cluster advertises no {SANDBOX!r} slots",
                f"start each node with --resources '{{\"{SANDBOX}\": N}}' (N gates at once)",
            )
        recorded = run.tasks()
        digests = {t.id: t.digest for t in recorded.tasks} if recorded is not None else {}
        context = ray.put(
            RunContext(manifest=manifest, tasks=tasks, expect=expectation(plan, digests))
        )
        executor = RayExecutor(
            ray, context=context, run=run, endpoints=endpoints, connections=connections
        )
        try:
            yield executor, slots
        finally:
            executor.close()
    finally:
        if owned:  # a cluster started here stops; a connection ends, its cluster goes on
            ray.shutdown()
