"""The report's plots as PNG bytes (matplotlib, Agg; no pyplot state, no display).

- success against oversight cost per arm, with 95% interval bars over tasks on both axes;
- a forest plot of each claim's mean difference and one-sided lower bound against its
  threshold (margin + budgets);
- per-channel detections, misses and false alarms against the hidden truth.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assay.results.metrics import Estimate
from assay.stats.result import Interval

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

PALETTE = ("#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#6e7781", "#bf3989")
MARKERS = ("o", "s", "D", "^", "v", "P", "X")


@dataclass(frozen=True)
class ArmPoint:
    """One arm in the success-versus-oversight plot."""

    label: str
    """The condition, shown beside the point."""
    group: str
    """Run and agent/model: one colour per group."""
    success: Estimate
    oversight: Estimate


@dataclass(frozen=True)
class ForestRow:
    """One claim in the forest plot."""

    label: str
    mean: float | None
    lower: float | None
    threshold: float
    supported: bool


@dataclass(frozen=True)
class ChannelBar:
    """One channel under one condition, scored against the hidden truth."""

    label: str
    detections: int
    misses: int
    false_alarms: int


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    return fig


def _png(fig: Figure) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def _err(e: Estimate) -> tuple[float, float] | None:
    """(below, above) the mean for an error bar, or None when there is no interval."""
    ci = e.interval
    if e.mean is None or not isinstance(ci, Interval) or ci.lower is None or ci.upper is None:
        return None
    return (max(0.0, e.mean - ci.lower), max(0.0, ci.upper - e.mean))


def _style(ax: Axes) -> None:
    ax.grid(True, color="#d0d7de", linewidth=0.6)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def success_vs_oversight(points: list[ArmPoint]) -> bytes:
    """Success (y) against oversight cost per attempt (x), one point per arm."""
    fig = _figure(7.5, 4.8)
    ax = fig.subplots()
    groups = list(dict.fromkeys(p.group for p in points))
    for gi, group in enumerate(groups):
        color, marker = PALETTE[gi % len(PALETTE)], MARKERS[gi % len(MARKERS)]
        mine = [p for p in points if p.group == group and p.success.mean is not None]
        for k, p in enumerate(mine):
            x, y = p.oversight.mean or 0.0, p.success.mean or 0.0
            xe, ye = _err(p.oversight), _err(p.success)
            ax.errorbar(
                [x],
                [y],
                xerr=None if xe is None else [[xe[0]], [xe[1]]],
                yerr=None if ye is None else [[ye[0]], [ye[1]]],
                fmt=marker,
                color=color,
                ecolor=color,
                elinewidth=1.2,
                capsize=4,
                markersize=7,
                label=group if k == 0 else None,
            )
            ax.annotate(
                p.label, (x, y), textcoords="offset points", xytext=(7, 6), fontsize=9, color=color
            )
    ax.set_xlabel("oversight cost per attempt (mean over tasks, 95% CI)")
    ax.set_ylabel("shipped success (mean over tasks, 95% CI)")
    ax.set_ylim(-0.05, 1.05)
    ax.set_xlim(left=min(-0.05, ax.get_xlim()[0]))
    _style(ax)
    if groups:
        ax.legend(fontsize=8, loc="lower right", frameon=False)
    ax.set_title("Shipped success against oversight cost", fontsize=11)
    return _png(fig)


def claims_forest(rows: list[ForestRow]) -> bytes:
    """Each claim's one-sided lower bound (bar to the right) and mean against its threshold."""
    fig = _figure(7.5, 1.2 + 0.55 * max(1, len(rows)))
    ax = fig.subplots()
    values = [v for r in rows for v in (r.mean, r.lower, r.threshold) if v is not None]
    lo = min([*values, 0.0]) - 0.1
    hi = max([*values, 0.0]) + 0.15
    for i, r in enumerate(rows):
        y = len(rows) - 1 - i
        color = "#1a7f37" if r.supported else "#cf222e"
        if r.lower is not None:
            ax.annotate(
                "",
                xy=(hi, y),
                xytext=(r.lower, y),
                arrowprops={"arrowstyle": "->", "color": color, "lw": 2.2},
            )
            ax.plot([r.lower], [y], marker="|", markersize=14, color=color, mew=2.2)
        if r.mean is not None:
            ax.plot([r.mean], [y], marker="o", color=color, markersize=7)
        ax.plot([r.threshold], [y], marker="d", color="#24292f", markersize=8, linestyle="none")
        if r.lower is None:
            ax.annotate(
                "no bound", (r.mean if r.mean is not None else 0.0, y), xytext=(8, -3),
                textcoords="offset points", fontsize=8, color=color,
            )  # fmt: skip
    ax.axvline(0.0, color="#6e7781", linestyle="--", linewidth=1)
    ax.set_yticks(range(len(rows)), [r.label for r in reversed(rows)], fontsize=9)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlim(lo, hi)
    ax.set_xlabel("difference, treatment − control (oriented so that positive favours the claim)")
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color="#6e7781", marker="|", markersize=12, mew=2, linestyle="-",
               label="lower bound → one-sided interval"),
        Line2D([], [], color="#6e7781", marker="o", linestyle="none", label="mean difference"),
        Line2D([], [], color="#24292f", marker="d", linestyle="none", label="margin + budgets"),
    ]  # fmt: skip
    ax.legend(
        handles=handles, fontsize=8, frameon=False, loc="upper center",
        bbox_to_anchor=(0.5, -0.35 if len(rows) < 3 else -0.12), ncol=3,
    )  # fmt: skip
    _style(ax)
    ax.set_title("Pre-registered claims: green supported, red fail-closed", fontsize=11)
    return _png(fig)


def channel_detection(bars: list[ChannelBar]) -> bytes:
    """Stacked counts of detections, misses and false alarms per condition × channel."""
    fig = _figure(7.5, 1.3 + 0.38 * max(1, len(bars)))
    ax = fig.subplots()
    ys = list(range(len(bars)))[::-1]
    left = [0.0] * len(bars)
    for name, color, attr in (
        ("detections", "#1a7f37", "detections"),
        ("misses", "#cf222e", "misses"),
        ("false alarms", "#bc4c00", "false_alarms"),
    ):
        widths = [float(getattr(b, attr)) for b in bars]
        ax.barh(ys, widths, left=left, color=color, label=name, height=0.6)
        left = [a + w for a, w in zip(left, widths, strict=True)]
    ax.set_yticks(ys, [b.label for b in bars], fontsize=9)
    ax.set_xlabel("inspections (scored against the hidden tests)")
    _style(ax)
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3, frameon=False)
    ax.set_title("Interrupt channels: detections, misses, false alarms", fontsize=11, pad=22)
    return _png(fig)


@dataclass(frozen=True)
class ObjectivePoint:
    """One evaluated candidate of an optimization."""

    iteration: int
    candidate: str
    outcome: str
    mean: float
    low: float
    high: float


def objective_over_iterations(points: list[ObjectivePoint]) -> bytes:
    """An optimization's objective by iteration with 95% bars; kept filled, discarded hollow."""
    fig = _figure(7.5, 4.2)
    ax = fig.subplots()
    for p in points:
        kept = p.outcome in ("baseline", "keep")
        ax.errorbar(
            [p.iteration],
            [p.mean],
            yerr=[[max(0.0, p.mean - p.low)], [max(0.0, p.high - p.mean)]],
            fmt="o",
            color=PALETTE[0] if kept else PALETTE[1],
            markerfacecolor=PALETTE[0] if kept else "white",
            elinewidth=1.2,
            capsize=4,
            markersize=7,
        )
        ax.annotate(p.candidate, (p.iteration, p.mean), textcoords="offset points", xytext=(6, 4))
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # iterations are whole numbers
    ax.set_xlabel("iteration")
    ax.set_ylabel("objective (search split)")
    ax.set_ylim(-0.05, 1.05)
    _style(ax)
    return _png(fig)
