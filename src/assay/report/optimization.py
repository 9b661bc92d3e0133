"""The report section of a harness optimization: objective over iterations, outcomes, held out.

Rendered from the optimization folder's ledger alone (``assay.optimize.candidate.v1``
lines), so the report can always be written again from the records: ``assay optimize``
writes it as ``report.md`` in the folder, and ``assay report OPT_DIR`` writes it (markdown,
HTML and the objective plot) through the report package like any run's report.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from assay.optimize.ledger import objective_line, read_ledger
from assay.records.optimize import CandidateRecord
from assay.report.document import Block, Figure, Heading, Paragraph, Table
from assay.report.plots import ObjectivePoint, objective_over_iterations

PLOT = "optimization-objective.png"


def is_optimization(folder: Path) -> bool:
    """Whether ``folder`` is an optimization folder (``assay optimize --out``)."""
    return (folder / "project.sha256").is_file() and (folder / "ledger.jsonl").is_file()


def _gate(r: CandidateRecord) -> str:
    if r.gate is None:
        return "—"
    text = f"{r.gate.status} ({r.gate.reason or 'all checks'})"
    if r.non_inferiority is not None:
        text += f"; non-inferior: {r.non_inferiority.status}"
    if r.cost is not None:
        text += f"; cheaper ({r.cost.cost}): {r.cost.status}"
    return text


def _iterations(records: list[CandidateRecord]) -> Table:
    rows = []
    for r in records:
        if r.outcome.startswith("heldout"):
            continue
        tokens: object = r.usage.tokens
        if r.outcome == "baseline":
            tokens = "—"  # no proposer made the baseline
        elif tokens is None:
            tokens = "unknown"
        outcome = r.outcome if r.rule in (None, "superior") else f"{r.outcome} ({r.rule})"
        rows.append(
            [
                str(r.iteration),
                r.candidate,
                r.parent or "—",
                outcome,
                objective_line(r.objective),
                objective_line(r.incumbent_objective),
                _gate(r),
                ", ".join(r.changed_files) or "—",
                str(tokens),
                f"{r.usage.duration_s:.1f}",
            ]
        )
    headers = [
        "iteration",
        "candidate",
        "parent",
        "outcome",
        "objective [95% CI]",
        "parent on the same evaluation",
        "gate",
        "changed files",
        "proposer tokens",
        "proposer s",
    ]
    return Table(headers, rows, numeric=frozenset({0, 8, 9}))


def _heldout(records: list[CandidateRecord]) -> list[Block]:
    sides = {r.outcome: r for r in records if r.outcome.startswith("heldout")}
    base, best = sides.get("heldout-baseline"), sides.get("heldout-best")
    if base is None or best is None:
        return [
            Paragraph("The held-out evaluation has not run yet: the optimization is unfinished.")
        ]
    out: list[Block] = [
        Table(
            ["side", "candidate", "held-out objective [95% CI]"],
            [
                ["baseline", base.candidate, objective_line(base.objective)],
                ["final best", best.candidate, objective_line(best.objective)],
            ],
        )
    ]
    if best.gate is not None:
        g = best.gate
        out.append(
            Paragraph(
                f"Pre-registered held-out claim `{g.claim}`: **{g.status}**"
                + ("" if g.reason is None else f" (`{g.reason}`)")
                + f" — {g.detail} (units: {g.units} task × seed pairs)."
            )
        )
    return out


def _plot(records: list[CandidateRecord]) -> Figure | None:
    points = [
        ObjectivePoint(r.iteration, r.candidate, r.outcome, o.mean, o.low, o.high)
        for r in records
        if not r.outcome.startswith("heldout") and (o := r.objective) is not None
    ]
    if not points:
        return None
    return Figure(
        PLOT,
        objective_over_iterations(points),
        alt="objective of each evaluated candidate by iteration, with 95% intervals",
        caption="Objective (Wilson 95% interval) of each evaluated candidate by iteration;"
        " filled: kept (or the baseline), hollow: discarded.",
    )


def optimization_blocks(folder: Path, *, figures: bool = True) -> list[Block]:
    """The section's blocks for the optimization in ``folder`` (with its plot, optionally)."""
    records = read_ledger(folder)
    counts = Counter(r.outcome for r in records if not r.outcome.startswith("heldout"))
    best = records[-1].best if records else "—"
    plot = _plot(records) if figures else None
    return [
        Heading(2, f"Harness optimization ({folder.name})"),
        Paragraph(
            "Outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + "."
            f" Final best: **{best}**."
        ),
        Heading(3, "Objective over iterations"),
        _iterations(records),
        *([plot] if plot is not None else []),
        Heading(3, "Held out"),
        *_heldout(records),
    ]


def optimization_section(folder: Path) -> str:
    """The markdown section of the optimization in ``folder`` (no plot)."""
    from assay.report.markdown import render_markdown

    return render_markdown(optimization_blocks(folder, figures=False))
