"""The report section of a harness optimization: objective over iterations, outcomes, held out.

Rendered from the optimization folder's ledger alone (``assay.optimize.candidate.v1``
lines), so ``report.md`` can always be written again from the records.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from assay.optimize.ledger import objective_line, read_ledger
from assay.records.optimize import CandidateRecord


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _iterations(records: list[CandidateRecord]) -> list[str]:
    lines = [
        "| iteration | candidate | parent | outcome | objective [95% CI] | parent on the same"
        " evaluation | gate | changed files | proposer tokens | proposer s |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in records:
        if r.outcome.startswith("heldout"):
            continue
        gate = "—" if r.gate is None else f"{r.gate.status} ({r.gate.reason or 'all checks'})"
        tokens: object = r.usage.tokens
        if r.outcome == "baseline":
            tokens = "—"  # no proposer made the baseline
        elif tokens is None:
            tokens = "unknown"
        lines.append(
            f"| {r.iteration} | {r.candidate} | {r.parent or '—'} | {r.outcome} |"
            f" {objective_line(r.objective)} | {objective_line(r.incumbent_objective)} |"
            f" {_cell(gate)} | {_cell(', '.join(r.changed_files) or '—')} | {tokens} |"
            f" {r.usage.duration_s:.1f} |"
        )
    return lines


def _heldout(records: list[CandidateRecord]) -> list[str]:
    sides = {r.outcome: r for r in records if r.outcome.startswith("heldout")}
    base, best = sides.get("heldout-baseline"), sides.get("heldout-best")
    if base is None or best is None:
        return ["The held-out evaluation has not run yet: the optimization is unfinished."]
    out = [
        "| side | candidate | held-out objective [95% CI] |",
        "|---|---|---|",
        f"| baseline | {base.candidate} | {objective_line(base.objective)} |",
        f"| final best | {best.candidate} | {objective_line(best.objective)} |",
        "",
    ]
    if best.gate is not None:
        g = best.gate
        out.append(
            f"Pre-registered held-out claim `{g.claim}`: **{g.status}**"
            + ("" if g.reason is None else f" (`{g.reason}`)")
            + f" — {_cell(g.detail)} (units: {g.units} task × seed pairs)."
        )
    return out


def optimization_section(folder: Path) -> str:
    """The markdown section of the optimization in ``folder``."""
    records = read_ledger(folder)
    counts = Counter(r.outcome for r in records if not r.outcome.startswith("heldout"))
    best = records[-1].best if records else "—"
    parts = [
        f"## Harness optimization ({folder.name})",
        "",
        "Outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".",
        f"Final best: **{best}**.",
        "",
        "### Objective over iterations",
        "",
        *_iterations(records),
        "",
        "### Held out",
        "",
        *_heldout(records),
        "",
    ]
    return "\n".join(parts)
