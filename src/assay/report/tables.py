"""The report's tables, built from loaded runs, their per-arm metrics and their claims.

Cells are text: a rate with its 95% interval over tasks reads ``64% [43%, 85%]``; a value
whose interval cannot be estimated says so instead of printing a zero-width interval.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.report.document import Table
from assay.results.claims import RunClaims
from assay.results.metrics import OUTCOMES, ArmMetrics, Estimate
from assay.results.runs import RunData
from assay.stats.result import Interval

DASH = "—"


def pct(x: float | None) -> str:
    """A share as a whole percentage (``n/a`` for None)."""
    return "n/a" if x is None else f"{100 * x:.0f}%"


def num(x: float | None, digits: int = 2, sign: bool = False) -> str:
    """A number with fixed decimals (``n/a`` for None)."""
    if x is None:
        return "n/a"
    return f"{x:+.{digits}f}" if sign else f"{x:.{digits}f}"


def estimate_text(e: Estimate, *, percent: bool = False, digits: int = 2) -> str:
    """``mean [low, high]``, or the mean with why no interval is shown."""
    if e.mean is None:
        return "n/a"

    def fmt(v: float) -> str:
        return pct(v) if percent else num(v, digits)

    ci = e.interval
    if isinstance(ci, Interval) and ci.lower is not None and ci.upper is not None:
        return f"{fmt(e.mean)} [{fmt(ci.lower)}, {fmt(ci.upper)}]"
    if e.n < 2:
        return f"{fmt(e.mean)} (not estimable: n = {e.n} task)"
    return f"{fmt(e.mean)} (no interval: tasks do not vary)"


def runs_table(runs: Sequence[RunData]) -> Table:
    """One row per run directory: what ran, on what, and whether it is intact."""
    rows = []
    for run in runs:
        m, env = run.manifest, run.environment
        planned = len(run.planned())
        sha = str(env.get("git_sha") or "n/a")[:10] + (" (dirty)" if env.get("git_dirty") else "")
        rows.append(
            [
                f"`{run.label}`",
                m.name,
                f"`{run.recorded_digest[:12]}`",
                "intact" if run.manifest_intact else "**changed**",
                str(len(run.task_ids)),
                str(m.seeds),
                ", ".join(f"{a.id} (`{a.model}`)" for a in m.agents),
                ", ".join(c.id for c in m.conditions),
                f"{len(run.records)}/{planned}",
                run.isolation,
                f"{env.get('assay_version', 'n/a')} @ {sha}",
            ]
        )
    return Table(
        [
            "run",
            "experiment",
            "manifest sha256",
            "manifest",
            "tasks",
            "seeds",
            "agents (models)",
            "conditions",
            "attempts (recorded/planned)",
            "isolation",
            "assay",
        ],
        rows,
        numeric=frozenset({4, 5, 8}),
    )


def comparison_table(runs: Sequence[RunData], arms: Sequence[list[ArmMetrics]]) -> Table:
    """Conditions down the side; one column group per run × agent/model, side by side."""
    conditions: list[str] = []
    for run in runs:
        conditions += [c.id for c in run.manifest.conditions if c.id not in conditions]
    groups: list[tuple[str, int]] = [("", 1)]
    columns: list[tuple[RunData, str, str]] = []
    for run, run_arms in zip(runs, arms, strict=True):
        for agent, model in dict.fromkeys((a.agent, a.model) for a in run_arms):
            label = f"{agent} ({model})" if len(runs) == 1 else f"{run.label}: {agent} ({model})"
            groups.append((label, 4))
            columns.append((run, agent, model))
    headers = ["condition"] + [
        "shipped success [95% CI]",
        "raw success",
        "oversight/attempt",
        "utility/attempt",
    ] * len(columns)
    index = {
        (run.label, a.agent, a.model, a.condition): a
        for run, run_arms in zip(runs, arms, strict=True)
        for a in run_arms
    }
    rows = []
    for cond in conditions:
        row = [cond]
        for run, agent, model in columns:
            a = index.get((run.label, agent, model, cond))
            if a is None:
                row += [DASH, DASH, DASH, DASH]
                continue
            row += [
                estimate_text(a.estimate("shipped_success"), percent=True),
                pct(a.estimate("success").mean),
                num(a.estimate("oversight_cost").mean),
                num(a.estimate("utility").mean),
            ]
        rows.append(row)
    return Table(headers, rows, groups=groups, numeric=frozenset(range(1, len(headers))))


def arm_lead(run: RunData, a: ArmMetrics, several: bool) -> list[str]:
    """The cells that name an arm (and its run, when several are shown)."""
    return ([f"`{run.label}`"] if several else []) + [a.condition, a.agent, f"`{a.model}`"]


def arm_lead_headers(several: bool) -> list[str]:
    """The headers of :func:`arm_lead`'s cells."""
    return (["run"] if several else []) + ["condition", "agent", "model"]


def success_table(runs: Sequence[RunData], arms: Sequence[list[ArmMetrics]]) -> Table:
    """Shipped success beside raw success, pass@k, what shipped wrong, and utility per arm."""
    several = len(runs) > 1
    rows = []
    for run, run_arms in zip(runs, arms, strict=True):
        k = run.manifest.seeds
        for a in run_arms:
            rows.append(
                [
                    *arm_lead(run, a, several),
                    str(len(a.tasks)),
                    str(a.attempts),
                    estimate_text(a.estimate("shipped_success"), percent=True),
                    estimate_text(a.estimate("success"), percent=True),
                    f"{a.successes - a.shipped_successes}/{a.attempts}",
                    f"{a.finished_successes}/{a.finished} ({pct(a.finished_success_rate)})",
                    pct(a.pass_at(1)),
                    pct(a.pass_at(k)) + f" (k={k})" if k > 1 else DASH,
                    f"{a.shipped_failures}/{a.attempts}",
                    _hazards_cell(a),
                    estimate_text(a.estimate("utility")),
                ]
            )
    lead = arm_lead_headers(several)
    return Table(
        [
            *lead,
            "n (tasks; runs for replicates)",
            "attempts",
            "shipped success [95% CI over tasks]",
            "raw success [95% CI over tasks]",
            "unshipped successes",
            "raw success among finished",
            "pass@1 (raw)",
            "pass@k (raw)",
            "shipped failures",
            "shipped hazards",
            "utility/attempt [95% CI]",
        ],
        rows,
        numeric=frozenset(range(len(lead), len(lead) + 11)),
    )


def _hazards_cell(a: ArmMetrics) -> str:
    cell = f"{a.shipped_hazards}/{a.attempts}"
    return cell + (f" ({a.unadjudicated} not adjudicated)" if a.unadjudicated else "")


def load_act_text(a: ArmMetrics) -> str:
    """``Σ reads / Σ writes`` with both counts and the attempts that wrote nothing."""
    ratio = "∞" if a.load_act is None and a.load_ops else num(a.load_act)
    zero = f"; {a.zero_write_attempts} wrote nothing" if a.zero_write_attempts else ""
    return f"{ratio} ({a.load_ops}/{a.act_ops}{zero})"


def oversight_table(runs: Sequence[RunData], arms: Sequence[list[ArmMetrics]]) -> Table:
    """What the workflow cost per arm: retries, oversight, escalation, tokens, time."""
    several = len(runs) > 1
    rows = []
    for run, run_arms in zip(runs, arms, strict=True):
        for a in run_arms:
            rows.append(
                [
                    *arm_lead(run, a, several),
                    estimate_text(a.estimate("retries")),
                    estimate_text(a.estimate("oversight_cost")),
                    estimate_text(a.estimate("escalated"), percent=True),
                    str(a.review_inspections),
                    estimate_text(a.estimate("tokens"), digits=0),
                    estimate_text(a.estimate("duration_s"), digits=1),
                    load_act_text(a),
                    "n/a (unpriced)" if a.cost_usd is None else f"${a.cost_usd:.4f}",
                ]
            )
    lead = arm_lead_headers(several)
    return Table(
        [
            *lead,
            "retries/attempt [95% CI]",
            "oversight cost/attempt [95% CI]",
            "escalation load [95% CI]",
            "review inspections",
            "tokens/attempt [95% CI]",
            "seconds/attempt [95% CI]",
            "load:act (Σ reads/Σ writes)",
            "agent model cost",
        ],
        rows,
        numeric=frozenset(range(len(lead), len(lead) + 8)),
    )


def outcomes_table(runs: Sequence[RunData], arms: Sequence[list[ArmMetrics]]) -> Table:
    """Outcome classes with separate denominators for finished, fault and interrupted."""
    several = len(runs) > 1
    rows = []
    for run, run_arms in zip(runs, arms, strict=True):
        for a in run_arms:
            rows.append(
                [
                    *arm_lead(run, a, several),
                    str(a.attempts),
                    *[str(a.outcomes.get(o, 0)) for o in OUTCOMES[:3]],
                    str(a.finished),
                    str(a.faults),
                    str(a.interrupted),
                    f"{a.successes}/{a.attempts}",
                    f"{a.finished_successes}/{a.finished}",
                ]
            )
    lead = arm_lead_headers(several)
    return Table(
        [
            *lead,
            "attempts",
            "completed",
            "stagnated",
            "budget",
            "finished",
            "fault",
            "interrupted",
            "successes / all attempts",
            "successes / finished",
        ],
        rows,
        numeric=frozenset(range(len(lead), len(lead) + 9)),
    )


def claims_table(claims: Sequence[RunClaims]) -> Table:
    """Every pre-registered claim with its verdict, typed reason and the evidence behind it."""
    several = len(claims) > 1
    rows = []
    for rc in claims:
        for r in rc.results:
            c = r.claim
            bound = DASH if r.lower_bound is None else f"{r.lower_bound:+.3f} ({r.bound})"
            rows.append(
                [
                    *([f"`{rc.run.label}`"] if several else []),
                    f"`{c.id}`",
                    c.metric + ("" if c.direction == "greater" else " (lower is better)"),
                    f"{c.treatment} vs {c.control}",
                    str(r.n),
                    num(r.mean_difference, 3, sign=True),
                    bound,
                    f"{r.threshold:g}",
                    num(r.p_claim, 4),
                    f"{r.holm_adjusted_p:.4f}",
                    DASH
                    if r.look is None
                    else f"{r.look}/{c.planned_looks}" + (" (interim)" if r.interim else ""),
                    r.status,
                    r.reason or DASH,
                    r.detail,
                ]
            )
    lead = ["run"] if several else []
    return Table(
        [
            *lead,
            "claim",
            "metric",
            "treatment vs control",
            "n (tasks; runs for replicates)",
            "mean difference",
            "one-sided lower bound",
            "threshold (margin + budgets)",
            "claim p",
            "Holm p",
            "look",
            "verdict",
            "reason",
            "detail",
        ],
        rows,
        numeric=frozenset(range(len(lead) + 3, len(lead) + 10)),
        css_class="claims",
    )
