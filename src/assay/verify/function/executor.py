"""The trusted executor of function-level jobs: a pool of sandbox slots and their answers.

A job is a program (a candidate or a reference), its entry point and its inputs (typed
JSON). Each slot is owned by one long-lived thread (bubblewrap's ``--die-with-parent`` is
tied to the thread that started it) and has its own uid. Answers come back as plain values
decoded by :mod:`.wire`; the executor never imports or runs the program itself.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from assay.sandbox.limits import Limits
from assay.sandbox.servers import SlotError
from assay.sandbox.uids import reserve_uids
from assay.verify.function import wire
from assay.verify.function.slots import Raw, Slot, function_runtime

AnswerKind = Literal["value", "exception", "unserializable", "timeout", "missing"]
IMPORT_S = 5.0
"""Wall-clock limit for loading the program, before the first input's clock starts."""


@dataclass(frozen=True)
class Job:
    """One program to run on a list of inputs in a fresh sandboxed child."""

    source: str
    entry: str
    inputs: Sequence[Any]
    """Each input is the typed-JSON form of its argument list."""
    limits_s: Sequence[float]
    """Wall-clock limit per input (the parent's clock)."""
    memory_mb: int = 1024
    import_s: float = IMPORT_S
    snippets: Sequence[str] | None = None
    """Instead of calls: code run after the module, each reported as ok or its exception."""
    not_none: bool = False
    """Send ``out is not None`` instead of a non-bool answer (EvalPlus's not-None tasks)."""
    inputs_json: bytes = b""
    """``inputs`` already as JSON text (a task's, encoded once for all its candidates)."""
    known: Sequence[Any] | None = None
    """Trusted side only, never sent: per input a typed-JSON form (or None) that answers are
    matched against undecoded (see :func:`interpret`)."""

    def request(self) -> dict[str, Any]:
        """The plain request sent to the sandbox server (no expected value in it)."""
        cpu = int(self.import_s + sum(self.limits_s)) + 2
        return {
            "source": self.source,
            "entry": self.entry,
            "mode": "snippets" if self.snippets is not None else "calls",
            "snippets": list(self.snippets or []),
            "not_none": self.not_none,
            "limits": {"cpu_s": cpu, "memory_mb": self.memory_mb, "fsize_mb": 16, "nofile": 128},
        }

    def encoded_inputs(self) -> bytes:
        """The inputs as the JSON list the server receives beside the request."""
        return self.inputs_json or json.dumps(list(self.inputs)).encode()


@dataclass(frozen=True)
class Answer:
    """The program's answer to one input."""

    kind: AnswerKind
    value: Any = None
    detail: str = ""
    time_s: float = 0.0
    """Time the child measured for the call (used for references only)."""
    matched: bool = False
    """The answer's typed JSON equalled the form it was checked against (see :func:`interpret`);
    ``value`` is then left undecoded (None)."""


@dataclass
class Run:
    """How one job went: an answer per input and what ended it."""

    answers: list[Answer]
    load_error: str = ""
    problems: list[str] = field(default_factory=list)
    """What went wrong around the answers: timeouts, lost server, too much output, ..."""
    duration_s: float = 0.0


def _answer(msg: dict[str, Any], known: Any) -> Answer:
    t = msg.get("t")
    spent = float(t) if type(t) is float and t >= 0 else 0.0
    if "exc" in msg:
        return Answer("exception", detail=str(msg["exc"])[:80], time_s=spent)
    if "unser" in msg:
        return Answer("unserializable", detail=str(msg["unser"])[:80], time_s=spent)
    if "v" not in msg:
        return Answer("missing", detail="malformed answer")
    try:
        if known is not None and msg["v"] == known:  # both plain JSON: built-in == only
            return Answer("value", time_s=spent, matched=True)
    except RecursionError:
        pass
    try:
        return Answer("value", wire.decode(msg["v"]), time_s=spent)
    except (wire.Unserializable, RecursionError, ValueError, TypeError) as exc:
        return Answer("unserializable", detail=str(exc)[:80], time_s=spent)


def interpret(raw: Raw, n: int, known: Sequence[Any] | None = None) -> Run:
    """Turn what the slot saw into answers: the first answer per input counts.

    ``known`` (typed JSON per input, None where not wanted): an answer equal to it is marked
    ``matched`` and not decoded -- the gate's fast path for answers equal to the expected.
    """
    found: dict[int, Answer] = {}
    load_error, ready = "", False
    for msg in raw.lines:
        if msg.get("ready") is True:
            ready = True
        elif "load_error" in msg and not ready:
            load_error = f"{msg.get('load_error')}: {str(msg.get('msg', ''))[:200]}"
        idx = msg.get("i")
        if ready and type(idx) is int and 0 <= idx < n and idx not in found:
            found[idx] = _answer(msg, known[idx] if known is not None else None)
    problems = []
    if raw.timed_out:
        problems.append("timeout")
    if raw.capped:
        problems.append("output_too_large")
    if raw.lost:
        problems.append(raw.lost)
    if raw.bad_lines:
        problems.append(f"{raw.bad_lines} malformed line(s)")
    answers = []
    first_gap = True
    for i in range(n):
        if i in found:
            answers.append(found[i])
        elif raw.timed_out and first_gap and ready:
            answers.append(Answer("timeout", detail="over the per-input limit"))
            first_gap = False
        else:
            answers.append(Answer("missing", detail=load_error or "no answer"))
    if not ready and not load_error:
        load_error = "the module did not load in time" if raw.timed_out else "no answer"
    return Run(answers, load_error, problems, raw.duration_s)


_Item = tuple[Job, "queue.Queue[tuple[int, Run]]", int] | None


class _Worker(threading.Thread):
    def __init__(self, slot: Slot, items: queue.Queue[_Item]) -> None:
        super().__init__(daemon=True)
        self.slot, self.items = slot, items
        self.ready = threading.Event()
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            self.slot.start()
        except (SlotError, OSError) as exc:
            self.error = exc
        finally:
            self.ready.set()
        try:
            while self.error is None and (item := self.items.get()) is not None:
                job, out, index = item
                try:
                    raw = self.slot.run(
                        job.request(), job.encoded_inputs(), job.import_s, list(job.limits_s)
                    )
                    out.put((index, interpret(raw, len(job.inputs), job.known)))
                except Exception as exc:  # any trouble fails this job, closed
                    self.slot.stop()
                    why = f"sandbox slot error: {type(exc).__name__}: {exc}"[:300]
                    out.put((index, Run([Answer("missing")] * len(job.inputs), why, [why])))
        finally:
            self.slot.stop()


class FunctionPool:
    """Sandbox slots that run jobs in parallel; use as a context manager."""

    def __init__(
        self, workers: int | None = None, memory_ceiling_mb: int = 4096, deps: Path | None = None
    ) -> None:
        self.workers = max(1, workers or 2 * (os.cpu_count() or 1))
        self.limits = Limits(cpu_s=10**6, memory_mb=memory_ceiling_mb, nproc=256, nofile=256)
        self._threads: list[_Worker] = []
        self._items: queue.Queue[_Item] = queue.Queue()
        self._runtime: Path | None = None
        self.deps = deps
        """A task's installed dependencies, shown to every slot (None: standard library only)."""
        self.dumpable = True

    def __enter__(self) -> FunctionPool:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def start(self) -> None:
        """Start every slot; raise :class:`SlotError` if the sandbox cannot run here."""
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            raise SlotError("bubblewrap is not installed: function tasks fail closed without it")
        root = os.geteuid() == 0
        # Each slot its own uid, reserved machine-wide (no other slot or process holds it).
        uids: list[int | None] = list(reserve_uids(self.workers)) if root else []
        uids += [None] * (self.workers - len(uids))
        self._runtime = function_runtime()
        for uid in uids:
            slot = Slot(bwrap, self._runtime, uid, self.limits, self.deps)
            self._threads.append(_Worker(slot, self._items))
        for t in self._threads:
            t.start()
        for t in self._threads:
            t.ready.wait()
        errors = [t.error for t in self._threads if t.error is not None]
        self.dumpable = any(t.slot.dumpable for t in self._threads)
        if errors:
            self.close()
            raise SlotError(str(errors[0]))

    def close(self) -> None:
        """Stop every slot and remove the runtime folder."""
        for _ in self._threads:
            self._items.put(None)
        for t in self._threads:
            t.join()
        self._threads = []
        if self._runtime is not None:
            with suppress(OSError):
                os.chmod(self._runtime, 0o755)
            shutil.rmtree(self._runtime, ignore_errors=True)
            self._runtime = None

    @property
    def uid_per_slot(self) -> bool:
        """Each slot runs as its own unprivileged uid (only possible as root)."""
        return all(t.slot.uid is not None for t in self._threads)

    @property
    def sandbox_pids(self) -> list[int]:
        """The pid of every running slot's bubblewrap (each sandbox hangs below one)."""
        return [t.slot.proc.pid for t in self._threads if t.slot.proc is not None]

    def run(self, jobs: Sequence[Job]) -> list[Run]:
        """Run jobs on the slots in parallel; one :class:`Run` per job, in order."""
        if not self._threads:
            raise SlotError("the pool is not started")
        out: queue.Queue[tuple[int, Run]] = queue.Queue()
        for i, job in enumerate(jobs):
            self._items.put((job, out, i))
        done: dict[int, Run] = {}
        while len(done) < len(jobs):
            try:
                index, run = out.get(timeout=1.0)
            except queue.Empty:
                if not any(t.is_alive() for t in self._threads):
                    raise SlotError("every sandbox slot is gone") from None
                continue
            done[index] = run
        return [done[i] for i in range(len(jobs))]


_shared: dict[Path | None, FunctionPool] = {}
_shared_lock = threading.Lock()


def shared_pool(deps: Path | None = None) -> FunctionPool:
    """The process-wide pool for tasks with these dependencies (started on first use)."""
    with _shared_lock:
        if deps not in _shared:
            import atexit

            pool = FunctionPool(deps=deps)
            pool.start()
            atexit.register(pool.close)
            _shared[deps] = pool
        return _shared[deps]
