"""The reranking section: lift table, gates, forest plot, calibration and reliability diagram.

``assay report [RUN ...] --rerank DIR`` reads every ``assay.rerank.v1`` and
``assay.calibration.v1`` record in DIR — a pool folder (the ``POOL.rerank`` folder beside
it is read) or a folder of records written with ``--out``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from assay.errors import InputError
from assay.records.rerank import CalibrationRecord, RerankRecord
from assay.report.document import Block, Figure, Heading, Paragraph, Table
from assay.rerank.run import records_folder

RERANK_NOTE = (
    "pass@1 is the exact expectation over uniform tie-breaking; *random* is c/m, *no_action*"
    " the pool's first candidate, *original* the order candidates were made in, *shuffled* the"
    " scorer's scores dealt at random (its ties kept, its knowledge not), *oracle* passing"
    " first. A lift is the scorer's pass@1 minus the baseline's over the same problems, in"
    " points, with a paired 95% interval (Student-t below 30 problems, a seeded percentile"
    " bootstrap of 2000 resamples from 30). Only decidable problems (some but not all"
    " candidates pass) can move anything; a slice without one is *saturated* and shows no gain."
)
FIGURE_PREFIX = "rerank_"


@dataclass(frozen=True)
class RerankBundle:
    """The records of one folder."""

    folder: Path
    reranks: list[RerankRecord]
    calibrations: list[CalibrationRecord]


def records_folder_of(path: Path) -> Path:
    """The records folder ``--rerank PATH`` means: ``POOL.rerank`` for a pool folder."""
    if (path / "pool.json").is_file():
        return records_folder(path)
    return path


def load_rerank(dirs: Sequence[Path]) -> list[RerankBundle]:
    """Every rerank and calibration record of each folder (InputError naming a bad one)."""
    out = []
    for given in dirs:
        folder = records_folder_of(given)
        if not folder.is_dir():
            raise InputError.single(
                given, "--rerank", "no rerank records here", "run assay rerank POOL first"
            )
        reranks, calibrations = [], []
        for path in sorted(folder.glob("*.json")):
            try:
                schema = json.loads(path.read_text(encoding="utf-8")).get("schema")
                if schema == "assay.rerank.v1":
                    reranks.append(RerankRecord.model_validate_json(path.read_text("utf-8")))
                elif schema == "assay.calibration.v1":
                    calibrations.append(
                        CalibrationRecord.model_validate_json(path.read_text("utf-8"))
                    )
            except (json.JSONDecodeError, AttributeError) as exc:
                raise InputError.single(
                    path, "", f"not a record: {exc}", "rerun the command"
                ) from None
            except ValidationError as exc:
                raise InputError.from_validation(exc, path, fix="rerun the command") from None
        if not reranks and not calibrations:
            raise InputError.single(
                given, "--rerank", "no rerank records here", "run assay rerank POOL first"
            )
        out.append(RerankBundle(folder, reranks, calibrations))
    return out


def _ci(lower: float | None, upper: float | None) -> str:
    return "—" if lower is None or upper is None else f"[{lower:+.1f}, {upper:+.1f}]"


def lift_table(record: RerankRecord) -> Table:
    """One row per benchmark × seed: sizes, pass@1 of each method, lift over each baseline."""
    baselines = [x.baseline for x in record.slices[0].lifts] if record.slices else []
    rows = []
    for s in record.slices:
        lifts = {x.baseline: x for x in s.lifts}
        rows.append(
            [
                s.benchmark + (" (saturated)" if s.saturated else ""),
                str(s.seed),
                str(s.problems),
                str(s.decidable),
                f"{s.methods['scorer'].pass_at_1:.3f}",
                *[f"{s.methods[b].pass_at_1:.3f}" for b in baselines],
                *[
                    f"{lifts[b].points:+.1f} {_ci(lifts[b].lower, lifts[b].upper)}"
                    for b in baselines
                ],
                "—" if s.gap_closed is None else f"{s.gap_closed:.2f}",
            ]
        )
    n = len(baselines)
    return Table(
        headers=[
            "benchmark",
            "seed",
            "problems",
            "decidable",
            "scorer",
            *baselines,
            *baselines,
            "gap closed",
        ],
        rows=rows,
        groups=[("", 4), ("pass@1", 1 + n), ("lift, points [95% CI]", n), ("", 1)],
        numeric=frozenset(range(1, 5 + 2 * n + 1)),
    )


def gates_table(record: RerankRecord) -> Table:
    """Every gate: status, reason, mean difference and lower bound against its threshold."""
    rows = [
        [
            g.claim.id,
            g.status,
            g.reason or "",
            "—" if g.mean_difference is None else f"{100 * g.mean_difference:+.1f}",
            "—" if g.lower_bound is None else f"{100 * g.lower_bound:+.1f}",
            f"{100 * g.threshold:.1f}",
            "—" if g.holm_adjusted_p is None else f"{g.holm_adjusted_p:.3g}",
        ]
        for g in record.gates
    ]
    return Table(
        headers=[
            "gate",
            "status",
            "reason",
            "lift (pt)",
            "lower bound (pt)",
            "threshold (pt)",
            "Holm p",
        ],
        rows=rows,
        numeric=frozenset({3, 4, 5, 6}),
    )


def _forest(record: RerankRecord, name: str) -> Figure:
    from assay.report import plots

    rows = [
        plots.ForestRow(
            label=g.claim.id,
            mean=g.mean_difference,
            lower=g.lower_bound,
            threshold=g.threshold,
            supported=g.status == "supported",
        )
        for g in record.gates
    ]
    return Figure(
        name,
        plots.claims_forest(rows),
        f"Forest plot of the {record.scorer} gates",
        "Each gate's one-sided lower bound of the pass@1 lift (the interval runs to the right),"
        " its mean lift, and the margin it must exceed.",
    )


def calibration_table(record: CalibrationRecord) -> Table:
    """Overall and per slice: status, AUC with DeLong CI, AP, Brier parts, ECE."""

    def f(x: float | None) -> str:
        return "—" if x is None else f"{x:.3f}"

    rows = []
    for s in [record.overall, *record.slices]:
        auc = f(s.roc_auc)
        if s.auc_lower is not None and s.auc_upper is not None:
            auc += f" [{s.auc_lower:.3f}, {s.auc_upper:.3f}]"
        rows.append(
            [
                s.name,
                str(s.n),
                str(s.positives),
                s.status + (" (unstable)" if s.unstable and s.status == "ok" else ""),
                auc,
                f(s.average_precision),
                f(s.brier),
                f(s.reliability),
                f(s.resolution),
                f(s.ece_width),
                f(s.ece_mass),
            ]
        )
    return Table(
        headers=[
            "slice",
            "n",
            "passing",
            "status",
            "ROC-AUC [DeLong 95%]",
            "AP",
            "Brier",
            "reliability",
            "resolution",
            "ECE width",
            "ECE mass",
        ],
        rows=rows,
        numeric=frozenset(range(1, 11)),
    )


def rerank_blocks(bundles: Sequence[RerankBundle]) -> list[Block]:
    """The reranking section."""
    out: list[Block] = [Heading(2, "Reranking", "reranking"), Paragraph(RERANK_NOTE)]
    for i, bundle in enumerate(bundles):
        for j, r in enumerate(bundle.reranks):
            verdict = f"**{r.status}**" + (" — saturated, not a gain" if r.saturated else "")
            out += [
                Heading(3, f"{r.scorer} on `{Path(r.pool).name}`"),
                Paragraph(
                    f"Seeds {', '.join(map(str, r.seeds))}; required baselines"
                    f" {', '.join(r.baselines)}; margin {100 * r.margin:g} points; alpha"
                    f" {r.alpha:g}. Overall: {verdict}. {r.detail}"
                ),
                lift_table(r),
                gates_table(r),
                _forest(r, f"{FIGURE_PREFIX}forest_{i}_{j}.png"),
            ]
        for j, c in enumerate(bundle.calibrations):
            out += [
                Heading(3, f"Calibration of {c.scorer} on `{Path(c.pool).name}`"),
                Paragraph(
                    f"Seed {c.seed}; predictions: {c.probability}. ECE over 10 equal-width and"
                    " 10 equal-mass bins; below 200 candidates the bins are unstable."
                ),
                calibration_table(c),
            ]
            if c.diagram is not None and (bundle.folder / c.diagram).is_file():
                out.append(
                    Figure(
                        f"{FIGURE_PREFIX}reliability_{i}_{j}.png",
                        (bundle.folder / c.diagram).read_bytes(),
                        f"Reliability diagram of {c.scorer}",
                        "Mean predicted p_pass against the share passing, per equal-width bin"
                        " (counts beside the points); the dashed line is perfect calibration.",
                    )
                )
    return out
