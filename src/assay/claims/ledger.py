"""The ledger of looks: an append-only JSON-lines file of every time a claim met its data.

Re-testing after every added task and stopping at the first pass gave 18–19% false claims
at a nominal 5% (reference/stats.md). Each claim pre-registers ``planned_looks``; the
ledger counts distinct data (by hash) per claim id, so a look beyond the plan fails closed
with ``looks_exhausted``, and a spec edited after a look fails with ``manifest_changed``.
Re-evaluating the same data under the same spec is the same look, not a new one.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assay.errors import InputError
from assay.records.canonical import dumps
from assay.records.claim import ClaimResult, FailClosedReason, Status

LOOK_SCHEMA: Final = "assay.claim.look.v1"


class LookRecord(BaseModel):
    """One look of one claim at one set of data."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    schema_id: Literal["assay.claim.look.v1"] = Field(default=LOOK_SCHEMA, alias="schema")
    claim_id: str
    spec_hash: str
    """sha256 of the claim spec as it was at this look."""
    data_hash: str
    look: int
    status: Status
    reason: FailClosedReason | None
    recorded_at: str
    """UTC time of the look, ISO 8601."""
    interim: bool = Field(default=False, exclude_if=lambda v: not v)
    """An interim look: taken on an unfinished run because the user asked (``--interim``).
    It counts against ``planned_looks`` like any other look."""


@dataclass(frozen=True)
class LookPlan:
    """Where an evaluation stands in its claim's history of looks."""

    look: int
    """1 for the first distinct data the claim met, 2 for the second, and so on."""
    new: bool
    """False when this spec already met this very data: nothing new to record."""
    spec_changed: bool
    """An earlier look was made under a different spec for the same claim id."""


class LookLedger:
    """An append-only JSON-lines ledger of looks, crash-safe line by line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def records(self) -> list[LookRecord]:
        """Return every committed look; a torn last line (a crash mid-write) is not one."""
        if not self.path.exists():
            return []
        text = self.path.read_text(encoding="utf-8")
        lines = text.split("\n")[:-1]  # the piece after the last newline was never committed
        out: list[LookRecord] = []
        for number, line in enumerate(lines, start=1):
            try:
                out.append(LookRecord.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                raise InputError.single(
                    self.path,
                    f"line {number}",
                    f"not a look record: {str(exc).splitlines()[0]}",
                    "the ledger is append-only: restore it from a backup or version control"
                    " instead of editing it",
                ) from exc
        return out

    def plan(self, claim_id: str, spec_hash: str, data_hash: str) -> LookPlan:
        """Return which look this evaluation of ``claim_id`` would be."""
        prior = [r for r in self.records() if r.claim_id == claim_id]
        hashes = list(dict.fromkeys(r.data_hash for r in prior))
        look = hashes.index(data_hash) + 1 if data_hash in hashes else len(hashes) + 1
        new = not any(r.data_hash == data_hash and r.spec_hash == spec_hash for r in prior)
        return LookPlan(look, new, any(r.spec_hash != spec_hash for r in prior))

    def append(self, result: ClaimResult) -> None:
        """Append the look behind ``result`` and force it to disk."""
        if result.look is None:
            raise ValueError("only results evaluated against a ledger carry a look")
        record = LookRecord(
            claim_id=result.claim.id,
            spec_hash=result.claim.fingerprint(),
            data_hash=result.data_hash,
            look=result.look,
            status=result.status,
            reason=result.reason,
            recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
            interim=result.interim,
        )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._drop_torn_tail()
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(dumps(record) + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def _drop_torn_tail(self) -> None:
        """Cut a partial last line left by a crash, so the next record starts on its own line."""
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            os.truncate(self.path, data.rfind(b"\n") + 1)
