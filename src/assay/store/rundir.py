"""The run directory: the authority on what ran. Append-only; records synced one by one.

Layout: ``manifest.json`` (the validated manifest, canonical) and ``manifest.sha256``,
``manifest.toml`` (the file as given, when there was one), ``environment.json``,
``tasks.json`` (the tasks planned over, each folder's file digests), ``attempts.jsonl`` (one
line per finished try of an attempt; the last line per attempt id wins),
``events/<id>.jsonl``, ``diffs/<id>.patch`` (``<id>.tryN.*`` for a later try),
``summary.csv`` (regenerated), ``.lock`` (who writes now).

Whole files are written atomically (temporary file, fsync, rename); ``attempts.jsonl`` and
event files only grow, a line at a time: an attempt record is synced before ``append``
returns, event lines are written at once and synced in groups (:class:`EventLog`), always
before their attempt's record. Only the writer holding the lock (``.lock``) cuts
a line left without its newline by a crash; readers ignore such a tail and change nothing.
An attempt without a line in ``attempts.jsonl`` never happened and is run again.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import threading
import time
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from assay.errors import InputError
from assay.records.attempt import AttemptRecord, EventRecord, diff_file, events_file
from assay.records.canonical import digest, dumps
from assay.records.manifest import Manifest, manifest_from_dict
from assay.records.tasks import TASKS_FILE, TaskList
from assay.store.atomic import full_disk_names, write_atomic
from assay.store.lines import append_synced, committed_lines, repair_tail
from assay.store.lock import RunLock

ATTEMPTS = "attempts.jsonl"
SYNC_EVERY = 64
"""Events between two syncs of an attempt's event file (the group of a group commit)."""
SYNC_AFTER_S = 1.0
"""Seconds after which the next event syncs the file whatever the count."""
SUMMARY_COLUMNS = (
    "attempt_id",
    "task_id",
    "agent_id",
    "model",
    "condition",
    "seed",
    "outcome",
    "success",
    "shipped",
    "shipped_success",
    "undetected_failure_shipped",
    "shipped_hazard",
    "rounds",
    "retries",
    "escalations",
    "oversight_cost",
    "retry_cost",
    "model_calls",
    "cost_usd",
    "duration_s",
    "fault",
    "fault_class",
    "try",
)


class EventLog:
    """The events of one attempt: every line written at once, synced in groups.

    Each :meth:`emit` writes its line to the file before returning (a killed process loses
    nothing emitted); the file is synced every :data:`SYNC_EVERY` events, after
    :data:`SYNC_AFTER_S` seconds, and on :meth:`close`, which the runner calls before it
    appends the attempt's record, so a record is never durable before its events. A machine
    crash can lose the unsynced tail of an unfinished attempt — which has no record, so
    resume runs it again from the start (its event file replaced).
    """

    def __init__(self, path: Path, attempt_id: str, run_root: Path) -> None:
        self.path = path
        self.attempt_id = attempt_id
        self._root = run_root
        self._start = time.monotonic()
        self._seq = 0
        self._unsynced = 0
        self._synced_at = self._start
        self._lock = threading.Lock()
        with full_disk_names(path, run_root):
            self._fh: IO[str] = path.open("w", encoding="utf-8")

    def emit(self, kind: str, data: dict[str, Any]) -> None:
        """Append one event (a full disk raises :class:`~assay.errors.DiskFull`)."""
        with self._lock, full_disk_names(self.path, self._root):
            self._seq += 1
            now = time.monotonic()
            rec = EventRecord(
                attempt_id=self.attempt_id,
                seq=self._seq,
                t=round(now - self._start, 4),
                kind=kind,
                data=data,
            )
            self._fh.write(dumps(rec) + "\n")
            self._fh.flush()
            self._unsynced += 1
            if self._unsynced >= SYNC_EVERY or now - self._synced_at >= SYNC_AFTER_S:
                self._sync(now)

    def _sync(self, now: float) -> None:
        os.fsync(self._fh.fileno())
        self._unsynced = 0
        self._synced_at = now

    def sync(self) -> None:
        """Make every event emitted so far durable (a full disk raises DiskFull)."""
        with self._lock, full_disk_names(self.path, self._root):
            if not self._fh.closed and self._unsynced:
                self._fh.flush()
                self._sync(time.monotonic())

    def close(self) -> None:
        """Sync and close the file (what a full disk kept from it is lost with the record).

        A failed sync raises (:class:`~assay.errors.DiskFull` for a full disk): the attempt's
        record must not be appended when its events are not on disk.
        """
        try:
            self.sync()
        finally:
            with contextlib.suppress(OSError):
                self._fh.close()


class RunDir:
    """A run directory being written (under its lock) or read (never changed)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    def lock(self, purpose: str) -> RunLock:
        """The run's exclusive writer lock (use it as a context manager)."""
        return RunLock(self.root, purpose)

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        manifest_json: str,
        digest: str,
        environment: dict[str, Any],
        tasks: TaskList,
        source_text: str | None = None,
    ) -> RunDir:
        """Fill a new run directory (refuses one that already holds a run).

        The caller holds the lock. ``manifest.sha256`` is written last: a folder where it is
        missing holds no run yet (a start cut short by a crash or a full disk), so starting
        again into it is allowed.
        """
        attempts = root / ATTEMPTS
        if (root / "manifest.sha256").exists() or (attempts.exists() and attempts.stat().st_size):
            raise InputError.single(
                root,
                "",
                "already holds a run",
                "resume it with --resume, or choose a new --out folder",
            )
        run = cls(root)
        with full_disk_names(root, root):
            for sub in ("events", "diffs"):
                (root / sub).mkdir(parents=True, exist_ok=True)
        run.write("manifest.json", manifest_json + "\n")
        if source_text is not None:
            run.write("manifest.toml", source_text)
        run.write("environment.json", dumps(environment, indent=2) + "\n")
        run.write(TASKS_FILE, dumps(tasks, indent=1) + "\n")
        run.write(ATTEMPTS, "")
        run.write("manifest.sha256", digest + "\n")
        return run

    @classmethod
    def open(cls, root: Path) -> RunDir:
        """Open an existing run directory; nothing is changed (see :meth:`repair`)."""
        if not (root / "manifest.sha256").is_file():
            raise InputError.single(
                root,
                "",
                "not a run directory (no manifest.sha256)",
                "point at a folder written by `assay run`",
            )
        return cls(root)

    def repair(self) -> int:
        """Cut a line left without its newline by a crash (the lock holder only)."""
        with full_disk_names(self.root / ATTEMPTS, self.root):
            return repair_tail(self.root / ATTEMPTS)

    def write(self, rel: str, text: str) -> Path:
        """Write a whole file of the run atomically; a full disk names the file."""
        path = self.root / rel
        with full_disk_names(path, self.root):
            write_atomic(path, text)
        return path

    @property
    def digest(self) -> str:
        """The manifest hash the run was started with."""
        return (self.root / "manifest.sha256").read_text(encoding="utf-8").strip()

    def _manifest_data(self) -> Any:
        file = self.root / "manifest.json"
        try:
            return json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError.single(
                file,
                "",
                f"unreadable manifest: {exc}",
                "restore manifest.json from the run's original copy",
            ) from None

    def manifest(self) -> Manifest:
        """The validated manifest the run was started with (bad data names manifest.json)."""
        return manifest_from_dict(self._manifest_data(), source=str(self.root / "manifest.json"))

    def current_digest(self) -> str:
        """The digest of ``manifest.json`` as it is now: equal to :attr:`digest` if intact."""
        return digest(self._manifest_data())

    def tasks(self) -> TaskList | None:
        """The tasks the run started with (None for a run from before ``tasks.json``)."""
        file = self.root / TASKS_FILE
        if not file.exists():
            return None
        try:
            return TaskList.model_validate(json.loads(file.read_text(encoding="utf-8")))
        except (OSError, ValueError, ValidationError) as exc:
            raise InputError.single(
                file, "", f"unreadable task list: {exc}", "restore tasks.json from a backup"
            ) from None

    def events(self, attempt_id: str, try_: int = 1) -> EventLog:
        """A fresh event log for a try of an attempt (an unfinished one is replaced)."""
        return EventLog(self.root / events_file(attempt_id, try_), attempt_id, self.root)

    def write_diff(self, attempt_id: str, diff: str, try_: int = 1) -> str:
        """Store a try's final diff; return its relative path."""
        rel = diff_file(attempt_id, try_)
        self.write(rel, diff)
        return rel

    def append(self, record: AttemptRecord) -> None:
        """Append one finished attempt, synced before returning.

        A failed write is undone (the file is cut back to where it was), so no later line
        ever follows half a line; a full disk raises :class:`~assay.errors.DiskFull`.
        """
        path = self.root / ATTEMPTS
        with self._lock:
            append_synced(path, dumps(record) + "\n", self.root)

    def attempts(self) -> list[AttemptRecord]:
        """Every committed attempt record in file order (corrupt lines raise InputError)."""
        path = self.root / ATTEMPTS
        out: list[AttemptRecord] = []
        for n, line in committed_lines(path):
            if not line.strip():
                continue
            try:
                # Parsed and validated in one pass by pydantic-core: measured faster than
                # json.loads followed by any Python-level check or model_construct.
                out.append(AttemptRecord.model_validate_json(line))
            except (ValueError, ValidationError) as exc:
                raise InputError.single(
                    path,
                    f"line {n}",
                    f"not an attempt record: {exc}",
                    "restore the file from a backup",
                ) from None
        return out

    def latest(self) -> dict[str, AttemptRecord]:
        """The authoritative record per attempt id (the last one written)."""
        return {r.attempt_id: r for r in self.attempts()}

    def write_summary(self) -> Path:
        """Regenerate summary.csv from attempts.jsonl (atomically)."""
        rows = sorted(self.latest().values(), key=lambda r: r.attempt_id)
        buf = io.StringIO(newline="")
        writer = csv.writer(buf)
        writer.writerow(SUMMARY_COLUMNS)
        for r in rows:
            data = r.model_dump(by_alias=True)
            writer.writerow(["" if data[c] is None else data[c] for c in SUMMARY_COLUMNS])
        return self.write("summary.csv", buf.getvalue())
