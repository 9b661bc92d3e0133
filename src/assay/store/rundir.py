"""The run directory: the authority on what ran. Append-only, flushed and synced per record.

Layout: ``manifest.json`` (the validated manifest, canonical) and ``manifest.sha256``,
``manifest.toml`` (the file as given, when there was one), ``environment.json``, ``attempts.jsonl``
(one line per finished attempt; the last line per attempt id wins), ``events/<id>.jsonl``,
``diffs/<id>.patch``, ``summary.csv`` (regenerated). A line cut short by a crash is
dropped on the next open; an attempt without a line in ``attempts.jsonl`` never happened and
is run again from scratch.
"""

from __future__ import annotations

import csv
import json
import os
import threading
import time
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from assay.errors import InputError
from assay.records.attempt import AttemptRecord, EventRecord
from assay.records.canonical import digest, dumps
from assay.records.manifest import Manifest, manifest_from_dict

ATTEMPTS = "attempts.jsonl"
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
    "undetected_failure_shipped",
    "rounds",
    "retries",
    "escalations",
    "oversight_cost",
    "retry_cost",
    "model_calls",
    "cost_usd",
    "duration_s",
    "fault",
)


def _append_synced(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(line + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _repair_tail(path: Path) -> int:
    """Cut a final line left without its newline by a crash; return the bytes dropped."""
    if not path.exists():
        return 0
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return 0
    keep = data.rfind(b"\n") + 1
    with path.open("r+b") as fh:
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    return len(data) - keep


class EventLog:
    """The events of one attempt, each line synced as it is written."""

    def __init__(self, path: Path, attempt_id: str) -> None:
        self.path = path
        self.attempt_id = attempt_id
        self._start = time.monotonic()
        self._seq = 0
        self._lock = threading.Lock()
        self._fh: IO[str] = path.open("w", encoding="utf-8")

    def emit(self, kind: str, data: dict[str, Any]) -> None:
        """Append one event."""
        with self._lock:
            self._seq += 1
            rec = EventRecord(
                attempt_id=self.attempt_id,
                seq=self._seq,
                t=round(time.monotonic() - self._start, 4),
                kind=kind,
                data=data,
            )
            self._fh.write(dumps(rec) + "\n")
            self._fh.flush()
            os.fsync(self._fh.fileno())

    def close(self) -> None:
        """Close the file."""
        self._fh.close()


class RunDir:
    """A run directory being written or read."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._lock = threading.Lock()

    @classmethod
    def create(
        cls,
        root: Path,
        *,
        manifest_json: str,
        digest: str,
        environment: dict[str, Any],
        source_text: str | None = None,
    ) -> RunDir:
        """Start a new run directory (refuses one that already holds a run)."""
        if (root / ATTEMPTS).exists() or (root / "manifest.sha256").exists():
            raise InputError.single(
                root,
                "",
                "already holds a run",
                "resume it with --resume, or choose a new --out folder",
            )
        for sub in ("events", "diffs"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        (root / "manifest.json").write_text(manifest_json + "\n", encoding="utf-8")
        if source_text is not None:
            (root / "manifest.toml").write_text(source_text, encoding="utf-8")
        (root / "manifest.sha256").write_text(digest + "\n", encoding="utf-8")
        (root / "environment.json").write_text(
            dumps(environment, indent=2) + "\n", encoding="utf-8"
        )
        (root / ATTEMPTS).touch()
        return cls(root)

    @classmethod
    def open(cls, root: Path) -> RunDir:
        """Open an existing run directory for resuming or reading; repair a cut last line."""
        if not (root / "manifest.sha256").is_file():
            raise InputError.single(
                root,
                "",
                "not a run directory (no manifest.sha256)",
                "point at a folder written by `assay run`",
            )
        run = cls(root)
        _repair_tail(root / ATTEMPTS)
        return run

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

    def events(self, attempt_id: str) -> EventLog:
        """A fresh event log for an attempt (an unfinished earlier one is replaced)."""
        return EventLog(self.root / "events" / f"{attempt_id}.jsonl", attempt_id)

    def write_diff(self, attempt_id: str, diff: str) -> str:
        """Store an attempt's final diff; return its relative path."""
        rel = f"diffs/{attempt_id}.patch"
        path = self.root / rel
        path.write_text(diff, encoding="utf-8")
        with path.open("rb") as fh:
            os.fsync(fh.fileno())
        return rel

    def append(self, record: AttemptRecord) -> None:
        """Append one finished attempt, flushed and synced before returning."""
        with self._lock:
            _append_synced(self.root / ATTEMPTS, dumps(record))

    def attempts(self) -> list[AttemptRecord]:
        """Every attempt record in file order (corrupt lines raise InputError)."""
        path = self.root / ATTEMPTS
        out: list[AttemptRecord] = []
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                out.append(AttemptRecord.model_validate(json.loads(line)))
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
        """Regenerate summary.csv from attempts.jsonl."""
        path = self.root / "summary.csv"
        rows = sorted(self.latest().values(), key=lambda r: r.attempt_id)
        with path.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(SUMMARY_COLUMNS)
            for r in rows:
                data = r.model_dump()
                writer.writerow(["" if data[c] is None else data[c] for c in SUMMARY_COLUMNS])
        return path
