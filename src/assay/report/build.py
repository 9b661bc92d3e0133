"""Assemble and write the report of one or more run directories.

``write_report`` reads the run directories and nothing else, decides their claims (each
decision is a look recorded in the run's ``claims/ledger.jsonl``), and writes
``report.md``, a self-contained ``report.html`` and the PNG plots into one folder. Every
text taken from the runs passes through redaction, so the report carries no secret and no
absolute path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from assay.report.document import Block, Bullets, Figure, Heading, Paragraph, Table
from assay.report.limitations import limitations
from assay.report.notes import (
    BUDGETS_NOTE,
    CLAIMS_NOTE,
    HAZARDS_NOTE,
    INTERVALS_NOTE,
    LOAD_ACT_NOTE,
    REVIEW_NOTE,
)
from assay.results.audit import AuditDistortion, audit_distortions
from assay.results.claims import RunClaims, evaluate_run
from assay.results.metrics import ArmMetrics, arm_metrics
from assay.results.runs import RunData, load_runs
from assay.store.atomic import write_atomic

FIGURES: Final = ("success_vs_oversight.png", "claims_forest.png", "channels.png")


@dataclass(frozen=True)
class ReportFiles:
    """What ``write_report`` wrote, relative paths under ``folder``."""

    folder: Path
    markdown: str
    html: str
    images: list[str]


@dataclass(frozen=True)
class Analysis:
    """Everything a report shows, computed from the run directories."""

    runs: list[RunData]
    arms: list[list[ArmMetrics]]
    claims: list[RunClaims]
    audits: list[list[AuditDistortion]]


def analyse(paths: Sequence[Path], *, record_looks: bool = True, interim: bool = False) -> Analysis:
    """Load the runs, aggregate their arms and decide their claims (see :func:`analyse_runs`)."""
    return analyse_runs(load_runs(list(paths)), record_looks=record_looks, interim=interim)


def analyse_runs(
    runs: list[RunData], *, record_looks: bool = True, interim: bool = False
) -> Analysis:
    """Arms and claims of loaded runs; an unfinished run's claims only with ``interim``."""
    arms = [_in_manifest_order(r, arm_metrics(r.records, r.manifest.utility)) for r in runs]
    claims = [evaluate_run(r, record_looks=record_looks, interim=interim) for r in runs]
    return Analysis(runs, arms, claims, [audit_distortions(r) for r in runs])


def _in_manifest_order(run: RunData, arms: list[ArmMetrics]) -> list[ArmMetrics]:
    agents = {a.id: i for i, a in enumerate(run.manifest.agents)}
    conditions = {c.id: i for i, c in enumerate(run.manifest.conditions)}
    return sorted(
        arms,
        key=lambda m: (
            agents.get(m.agent, len(agents)),
            m.agent,
            m.model,
            conditions.get(m.condition, len(conditions)),
            m.condition,
        ),
    )


def _figures(a: Analysis) -> dict[str, Figure]:
    from assay.report import plots

    several = len(a.runs) > 1
    points = [
        plots.ArmPoint(
            label=m.condition,
            group=(f"{run.label}: " if several else "") + f"{m.agent} ({m.model})",
            success=m.estimate("shipped_success"),
            oversight=m.estimate("oversight_cost"),
        )
        for run, run_arms in zip(a.runs, a.arms, strict=True)
        for m in run_arms
    ]
    out = {
        "success_vs_oversight.png": Figure(
            "success_vs_oversight.png",
            plots.success_vs_oversight(points),
            "Shipped success against oversight cost per condition",
            "Shipped success against oversight cost per attempt, one point per arm; bars are"
            " 95% intervals over tasks (absent where not estimable).",
        )
    }
    forest = [
        plots.ForestRow(
            label=(f"{rc.run.label}: " if several else "") + r.claim.id,
            mean=r.mean_difference,
            lower=r.lower_bound,
            threshold=r.threshold,
            supported=r.status == "supported",
        )
        for rc in a.claims
        for r in rc.results
    ]
    if forest:
        out["claims_forest.png"] = Figure(
            "claims_forest.png",
            plots.claims_forest(forest),
            "Forest plot of claim intervals against their margins",
            "Each claim's one-sided lower bound (the interval runs to the right), its mean"
            " difference, and the threshold it must exceed (margin + budgets).",
        )
    bars = [
        plots.ChannelBar(
            label=(f"{run.label}: " if several else "") + f"{m.condition} · {name}",
            detections=c.detections,
            misses=c.misses,
            false_alarms=c.false_alarms,
        )
        for run, run_arms in zip(a.runs, a.arms, strict=True)
        for m in run_arms
        for name, c in sorted(m.channels.items())
    ]
    if bars:
        out["channels.png"] = Figure(
            "channels.png",
            plots.channel_detection(bars),
            "Per-channel detections, misses and false alarms",
            "Every inspection scored against the hidden tests on the workspace the channel saw.",
        )
    return out


def blocks(a: Analysis) -> list[Block]:
    """The report as blocks, in reading order."""
    from assay.report import channel_tables, stagnation, tables

    figs = _figures(a)
    names = ", ".join(f"`{r.label}`" for r in a.runs)
    out: list[Block] = [
        Heading(1, "assay report — " + ", ".join(dict.fromkeys(r.manifest.name for r in a.runs))),
        Paragraph(
            f"Regenerated from {len(a.runs)} run director{'y' if len(a.runs) == 1 else 'ies'}"
            f" alone ({names}): attempts, events, diffs and the pre-registered manifest. The"
            " hidden verification is the ground truth throughout."
        ),
        *_state_notes(a.runs),
        Heading(2, "Runs", "runs"),
        tables.runs_table(a.runs),
        Heading(2, "Claims", "claims"),
        Paragraph(CLAIMS_NOTE),
    ]
    if any(rc.results for rc in a.claims):
        out.append(tables.claims_table(a.claims))
    else:
        out.append(Paragraph("No claims were pre-registered, so none is made."))
    if "claims_forest.png" in figs:
        out.append(figs["claims_forest.png"])
    if any(r.manifest.claims for r in a.runs):
        from assay.report.budgets import budgets_table

        out += [
            Heading(2, "Claim budgets, and the audit distortion the data bound", "budgets"),
            Paragraph(BUDGETS_NOTE),
            budgets_table(a.runs, a.audits),
        ]
    out += [
        Heading(2, "Side by side", "comparison"),
        Paragraph(
            "Each condition across every run and agent/model (shipped success with its 95%"
            " interval over tasks, raw success beside it; oversight cost and workflow utility"
            " are means per attempt)."
        ),
        tables.comparison_table(a.runs, a.arms),
        figs["success_vs_oversight.png"],
        Heading(2, "Success and utility", "success"),
        Paragraph(INTERVALS_NOTE),
        tables.success_table(a.runs, a.arms),
        Paragraph(_utility_note(a.runs)),
        Heading(2, "What oversight cost", "oversight"),
        tables.oversight_table(a.runs, a.arms),
        Paragraph(LOAD_ACT_NOTE),
        *_review_spend(a),
        Heading(2, "Outcomes", "outcomes"),
        Paragraph(
            "*Finished* attempts ran to the agent's own end (completed, stagnated or budget);"
            " faults (the model endpoint failed) and interruptions (the operator stopped the"
            " attempt) are counted apart."
        ),
        tables.outcomes_table(a.runs, a.arms),
        Heading(2, "Stagnation", "stagnation"),
        Paragraph(stagnation.NOTE),
        stagnation.stagnation_table(a.runs, a.arms),
        Heading(2, "Interrupt channels against the hidden tests", "channels"),
    ]
    channels = channel_tables.channels_table(a.runs, a.arms)
    if channels is None:
        out.append(Paragraph("No channel inspected anything in these runs."))
    else:
        out += [
            Paragraph(
                "A *detection* flagged a workspace that fails the hidden tests; a *miss* passed"
                " one; a *false alarm* flagged one that passes. Detection rate = detections /"
                " (detections + misses); false-alarm rate = false alarms / (false alarms +"
                " correct passes)."
            ),
            channels,
        ]
        if "channels.png" in figs:
            out.append(figs["channels.png"])
    out += _hazard_channels(a)
    from assay.report.quality import quality_blocks

    out += quality_blocks(a.runs)  # only for judged runs: an unjudged report is unchanged
    out += [
        Heading(2, "Limitations", "limitations"),
        Paragraph("Generated from what these run directories cannot support:"),
        Bullets(limitations(a.runs, a.arms, a.claims)),
    ]
    return out


def _hazard_channels(a: Analysis) -> list[Block]:
    from assay.report import channel_tables

    table = channel_tables.hazard_channels_table(a.runs, a.arms)
    out: list[Block] = [Heading(2, "Interrupt channels against the hazard truth", "hazards")]
    if table is None:
        return [*out, Paragraph("No inspection in these runs was adjudicated for hazards.")]
    return [*out, Paragraph(HAZARDS_NOTE), table]


def _review_spend(a: Analysis) -> list[Block]:
    from assay.report import channel_tables

    table = channel_tables.review_spend_table(a.runs, a.arms)
    out: list[Block] = [Heading(3, "Review spend", "review-spend")]
    if table is None:
        return [*out, Paragraph("No review inspected anything and none was refused.")]
    return [*out, Paragraph(REVIEW_NOTE), table]


def _state_notes(runs: Sequence[RunData]) -> list[Block]:
    """An unfinished run says so before anything else (``unfinished: N of M ...``)."""
    out: list[Block] = []
    for run in runs:
        for note in (run.progress_note(), run.faults_note()):
            if note:
                out.append(Paragraph(f"**{run.label}: {note}.**"))
    return out


def _utility_note(runs: Sequence[RunData]) -> str:
    weights = "; ".join(
        (f"`{r.label}`: " if len(runs) > 1 else "")
        + f"value {r.manifest.utility.value:g}, retry cost {r.manifest.utility.retry_cost:g},"
        f" penalty {r.manifest.utility.penalty:g},"
        f" hazard penalty {r.manifest.utility.hazard_weight:g}"
        for r in runs
    )
    return (
        "Workflow utility per attempt = value·shipped success − retry cost·retries − oversight"
        " cost − penalty·shipped failure − hazard penalty·shipped hazard, with the manifest's"
        f" weights ({weights}). Unshipped successes add nothing."
    )


def sanitize(items: list[Block], extra_paths: list[str]) -> list[Block]:
    """Blocks with every secret redacted and every home or listed path made relative."""
    from assay.release.secrets import redact

    def clean(s: str) -> str:
        return redact(s, extra_paths=extra_paths)

    out: list[Block] = []
    for b in items:
        if isinstance(b, Heading):
            out.append(replace(b, text=clean(b.text)))
        elif isinstance(b, Paragraph):
            out.append(Paragraph(clean(b.text)))
        elif isinstance(b, Bullets):
            out.append(Bullets([clean(i) for i in b.items]))
        elif isinstance(b, Table):
            out.append(
                replace(
                    b,
                    headers=[clean(h) for h in b.headers],
                    rows=[[clean(c) for c in row] for row in b.rows],
                    groups=[(clean(g), n) for g, n in b.groups],
                )
            )
        else:
            out.append(replace(b, caption=clean(b.caption), alt=clean(b.alt)))
    return out


def write_report(
    paths: Sequence[Path],
    out: Path,
    *,
    record_looks: bool = True,
    interim: bool = False,
    rerank: Sequence[Path] = (),
    optimizations: Sequence[Path] = (),
) -> ReportFiles:
    """Write ``report.md``, ``report.html`` and the plots for the run directories into ``out``.

    ``rerank`` adds the reranking section (pool folders or folders of rerank records),
    ``optimizations`` one harness-optimization section per folder; with no run directory
    the report is those sections alone.
    """
    from assay.report.html import render_html
    from assay.report.markdown import render_markdown
    from assay.report.optimization import PLOT, optimization_blocks
    from assay.report.rerank_section import FIGURE_PREFIX, load_rerank, rerank_blocks

    bundles = load_rerank(rerank)
    if paths:
        items = blocks(analyse(paths, record_looks=record_looks, interim=interim))
    else:
        items = [Heading(1, "assay report — " + ("reranking" if bundles else "optimization"))]
    if bundles:
        items += rerank_blocks(bundles)
    items += [b for folder in optimizations for b in optimization_blocks(folder)]
    every = [*paths, *rerank, *optimizations]
    extra = sorted({s for p in every for s in (str(p.absolute()), str(p.resolve()))})
    extra += sorted({s for s in (str(out.absolute()), str(out.resolve()))})
    content = sanitize(items, extra)
    out.mkdir(parents=True, exist_ok=True)
    images: list[str] = []
    stale = [*FIGURES, PLOT, *(p.name for p in out.glob(f"{FIGURE_PREFIX}*.png"))]
    for name in stale:
        (out / name).unlink(missing_ok=True)  # a plot that no longer applies must not linger
    for b in content:
        if isinstance(b, Figure):
            write_atomic(out / b.file, b.png)
            images.append(b.file)
    title = next((b.text for b in content if isinstance(b, Heading)), "assay report")
    write_atomic(out / "report.md", render_markdown(content))
    write_atomic(out / "report.html", render_html(content, title))
    return ReportFiles(out, "report.md", "report.html", images)
