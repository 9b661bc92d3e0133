"""One row per pass of an agent: what it read, what it wrote, what it spent, why it ended.

A round of an attempt is one run of the agent; the loop agent runs it as fresh-context
passes (a third-party CLI agent as one pass). The rows are read from the attempt's events
(``round_start``, ``pass_start``, ``tool_call``, ``model_call``), and the reason each pass
ended from the attempt record's ``pass_reasons`` (which know when the end-of-pass probe
turned a pass into ``completed``), else from its ``pass_end`` event.

``reads`` counts orientation operations (``read_file``, ``list_dir``) and ``writes``
mutations (``write_file``, ``edit_file``), every call whether or not it succeeded, as the
attempt's ``tool_counts`` and the per-arm load:act do.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from assay.records.attempt import MUTATION_TOOLS, ORIENTATION_TOOLS, AttemptRecord
from assay.results.events import read_events


@dataclass
class PassRow:
    """One pass of one round of one attempt."""

    round: int
    pass_: int
    reads: int = 0
    read_bytes: int = 0
    writes: int = 0
    tool_calls: int = 0
    model_calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    elided_reads: int = 0
    """Reads answered with the elision notice instead of the file (``elided`` tool calls)."""
    reason: str | None = None
    """Why the pass ended (``completed``, ``max_steps``, ...); None if it was cut short."""


def _int(value: object) -> int:
    """A count or index from an event: anything but a non-negative int reads as 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def passes_of(record: AttemptRecord, run_root: Path) -> list[PassRow]:
    """The passes of an attempt's last try, in order."""
    rows: dict[tuple[int, int], PassRow] = {}
    ends: dict[tuple[int, int], str] = {}
    round_ = -1
    path = (run_root / record.events).resolve()
    if Path(record.events).is_absolute() or not path.is_relative_to(run_root.resolve()):
        return []  # never read outside the run directory (the run's checks name it)
    for event in read_events(path):
        kind, data = event.get("kind"), event["data"]
        if kind == "round_start":
            round_ = _int(data.get("round"))
            continue
        if kind not in ("pass_start", "pass_end", "tool_call", "model_call", "probe"):
            continue
        key = (max(round_, 0), _int(data.get("pass")))
        row = rows.setdefault(key, PassRow(*key))
        if kind == "pass_end" and isinstance(data.get("reason"), str):
            ends[key] = data["reason"]
        elif kind == "tool_call":
            tool = data.get("tool")
            row.tool_calls += 1
            row.reads += tool in ORIENTATION_TOOLS
            row.writes += tool in MUTATION_TOOLS
            row.read_bytes += _int(data.get("read_bytes"))
            row.elided_reads += data.get("elided") is True
        elif kind == "model_call":
            row.model_calls += 1
            row.prompt_tokens += _int(data.get("prompt_tokens"))
            row.completion_tokens += _int(data.get("completion_tokens"))
    for (r, p), row in rows.items():
        recorded = record.pass_reasons[r] if r < len(record.pass_reasons) else []
        row.reason = recorded[p] if p < len(recorded) else ends.get((r, p))
    return [rows[k] for k in sorted(rows)]
