"""The optimization folder's ledger and the indexes regenerated from it.

``ledger.jsonl`` takes synced appends; ``ledger.tsv`` and ``leaderboard.json`` are written
atomically from it, and it is read back for a resume.

A line cut by a crash is ignored on reading and cut on the next append, so a killed
optimization resumes from the last candidate it finished.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import ValidationError

from assay.records.canonical import dumps
from assay.records.optimize import CandidateRecord, Leaderboard, LeaderboardEntry, Objective
from assay.store.atomic import write_atomic

LEDGER = "ledger.jsonl"
TSV = "ledger.tsv"
LEADERBOARD = "leaderboard.json"
EVALUATED = ("baseline", "keep", "discard")
COLUMNS = (
    "candidate",
    "parent",
    "iteration",
    "outcome",
    "objective",
    "objective_low",
    "objective_high",
    "incumbent_objective",
    "gate_status",
    "gate_reason",
    "reason",
    "changed_files",
    "tokens",
    "cost_usd",
    "proposer_s",
    "evaluation_s",
    "evaluation_tokens",
    "evaluation_cost_usd",
    "best",
    "rule",
    "non_inferiority_status",
    "cost_status",
    "cost_mean_saving",
)


def read_ledger(folder: Path) -> list[CandidateRecord]:
    """Every complete line of the ledger (a cut last line is ignored)."""
    path = folder / LEDGER
    if not path.is_file():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(CandidateRecord.model_validate_json(line))
        except ValidationError:
            break  # a line cut by a crash: only the last line can be
    return out


def append(folder: Path, record: CandidateRecord) -> None:
    """Append one record, synced; a cut last line left by a crash is dropped first."""
    path = folder / LEDGER
    kept = read_ledger(folder)
    text = "".join(dumps(r) + "\n" for r in kept)
    if path.is_file() and path.read_text(encoding="utf-8") != text:
        write_atomic(path, text)
    with path.open("a", encoding="utf-8") as fh:
        fh.write(dumps(record) + "\n")
        fh.flush()
        os.fsync(fh.fileno())


def _cell(value: object) -> str:
    if value is None:
        return ""
    return str(value).replace("\t", " ").replace("\n", " ")


def write_tsv(folder: Path, records: list[CandidateRecord]) -> None:
    """``ledger.tsv``: one row per ledger line, the columns of :data:`COLUMNS`."""
    rows = ["\t".join(COLUMNS)]
    for r in records:
        o, i, g, ni, c = r.objective, r.incumbent_objective, r.gate, r.non_inferiority, r.cost
        cells = [
            r.candidate,
            r.parent,
            r.iteration,
            r.outcome,
            None if o is None else o.mean,
            None if o is None else o.low,
            None if o is None else o.high,
            None if i is None else i.mean,
            None if g is None else g.status,
            None if g is None else g.reason,
            r.reason,
            ";".join(r.changed_files),
            r.usage.tokens,
            r.usage.cost_usd,
            r.usage.duration_s,
            r.evaluation_s,
            None if o is None else o.tokens,
            None if o is None else o.cost_usd,
            r.best,
            r.rule,
            None if ni is None else ni.status,
            None if c is None else c.status,
            None if c is None else c.mean_saving,
        ]
        rows.append("\t".join(_cell(c) for c in cells))
    write_atomic(folder / TSV, "\n".join(rows) + "\n")


def leaderboard(records: list[CandidateRecord], *, finished: bool) -> Leaderboard:
    """Evaluated candidates, best objective first (ties: earlier first); the final best."""
    entries = [
        LeaderboardEntry(
            candidate=r.candidate, parent=r.parent, outcome=r.outcome, objective=r.objective
        )
        for r in records
        if r.outcome in EVALUATED and r.objective is not None
    ]
    entries.sort(key=lambda e: -e.objective.mean)
    heldout = next((r.gate for r in records if r.outcome == "heldout-best"), None)
    best = records[-1].best if records else "c0000"
    return Leaderboard(best=best, finished=finished, entries=entries, heldout=heldout)


def write_indexes(folder: Path, *, finished: bool) -> list[CandidateRecord]:
    """Regenerate ``ledger.tsv`` and ``leaderboard.json`` from the ledger; return it."""
    records = read_ledger(folder)
    write_tsv(folder, records)
    write_atomic(
        folder / LEADERBOARD, dumps(leaderboard(records, finished=finished), indent=2) + "\n"
    )
    return records


def objective_line(o: Objective | None) -> str:
    """``0.500 [0.236, 0.764] (4/8)``, or ``—``."""
    if o is None:
        return "—"
    return f"{o.mean:.3f} [{o.low:.3f}, {o.high:.3f}] ({o.successes}/{o.attempts})"
