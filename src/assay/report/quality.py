"""The report's "Code quality (not a gate)" section, from each run's ``judgments.jsonl``.

Shown only for runs that were judged (``assay judge``): the subject − reference gap per
arm with its interval over tasks, the judges' agreement and their position bias. Nothing
here feeds a claim or a success count.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.errors import InputError
from assay.judge import agreement, arm_gaps, position_bias, read_judgments
from assay.records.judgment import JudgmentRecord
from assay.report.document import Block, Heading, Paragraph, Table
from assay.report.tables import num
from assay.results.runs import RunData
from assay.stats.result import Interval, NotEstimable

QUALITY_NOTE = (
    "A judge model read each task's prompt and two solutions — the attempt's final code and"
    " the task's reference solution, in a seeded random order — and scored both on the"
    " rubric's weighted dimensions (a one-line reason before each score). It never saw the"
    " tests, the verdict, the arm or the model. *Gap* = subject total − reference total,"
    " averaged within a task (attempts, judges and orders), then over tasks with a 95%"
    " Student-t interval. Lint is ruff's mean finding count per attempt (fixed rules,"
    " isolated). Failed judgments (unreadable replies) are counted, never scored. These"
    " scores are not a gate: they change no success and no claim."
)
AGREEMENT_NOTE = (
    "Krippendorff's alpha (interval level) between the judge models, per dimension and for"
    " the total; a unit is one solution's score in one presentation, kept when at least two"
    " judges scored it. 1 is perfect agreement, 0 is chance, below 0 systematic disagreement."
)
BIAS_NOTE = (
    "Over pairs judged in both orders (`assay judge --both-orders`): the points a solution"
    " gains on the weighted total by being shown first, (gap shown first − gap shown second)"
    " / 2, averaged over pairs with a 95% t interval; *flips* counts pairs whose preferred"
    " side changed with the order."
)


def _interval(mean: float | None, ci: Interval | NotEstimable, n: int) -> str:
    if mean is None:
        return "n/a"
    if isinstance(ci, Interval) and ci.lower is not None and ci.upper is not None:
        return f"{mean:+.2f} [{ci.lower:+.2f}, {ci.upper:+.2f}]"
    if n < 2:
        return f"{mean:+.2f} (no interval: n = {n})"
    return f"{mean:+.2f} (no interval: values do not vary)"


def _gap_table(judgments: list[JudgmentRecord]) -> Table:
    rows = [
        [
            g.arm,
            g.model,
            str(g.attempts),
            str(g.tasks),
            num(g.subject_total),
            num(g.reference_total),
            _interval(g.gap, g.interval, g.tasks),
            f"{num(g.subject_lint, 1)} / {num(g.reference_lint, 1)}",
            f"{g.failed} of {g.judgments}",
        ]
        for g in arm_gaps(judgments)
    ]
    headers = [
        "arm",
        "model",
        "attempts",
        "tasks",
        "subject",
        "reference",
        "gap [95% CI]",
        "lint subject / ref.",
        "failed",
    ]
    return Table(headers, rows, numeric=frozenset({2, 3, 4, 5, 6}))


def _agreement(judgments: list[JudgmentRecord]) -> list[Block]:
    try:
        rows = agreement(judgments)
    except InputError as exc:
        return [Paragraph(f"Agreement not computed: {exc.problems[0].message}.")]
    if not rows:
        return [Paragraph("One judge only: no agreement to measure (give two --judge-model).")]
    table = Table(
        ["dimension", "alpha", "units", "judges"],
        [
            [
                f"`{r.dimension}`",
                "n/a" + (f" ({r.note})" if r.note else "") if r.alpha is None else f"{r.alpha:.3f}",
                str(r.units),
                str(r.judges),
            ]
            for r in rows
        ],
        numeric=frozenset({1, 2, 3}),
    )
    return [Paragraph(AGREEMENT_NOTE), table]


def _bias(judgments: list[JudgmentRecord]) -> list[Block]:
    rows = position_bias(judgments)
    if not any(b.pairs for b in rows):
        return [Paragraph("No pair was judged in both orders (`--both-orders`): not measured.")]
    table = Table(
        ["judge", "pairs", "first-shown advantage [95% CI]", "flips"],
        [
            [
                f"`{b.judge}`",
                str(b.pairs),
                _interval(b.first_advantage, b.interval, b.pairs),
                str(b.flips),
            ]
            for b in rows
        ],
        numeric=frozenset({1, 2, 3}),
    )
    return [Paragraph(BIAS_NOTE), table]


def quality_blocks(runs: Sequence[RunData]) -> list[Block]:
    """The section, for every run with judgments (empty when no run was judged)."""
    judged = [(r, read_judgments(r.root)) for r in runs]
    judged = [(r, j) for r, j in judged if j]
    if not judged:
        return []
    out: list[Block] = [Heading(2, "Code quality (not a gate)", "quality"), Paragraph(QUALITY_NOTE)]
    for run, judgments in judged:
        rubrics = ", ".join(sorted({f"`{j.rubric}`" for j in judgments}))
        out += [
            Heading(3, f"`{run.label}`: {len(judgments)} judgments, rubric {rubrics}"),
            _gap_table(judgments),
            Heading(4, "Agreement between judges"),
            *_agreement(judgments),
            Heading(4, "Position bias"),
            *_bias(judgments),
        ]
    return out
