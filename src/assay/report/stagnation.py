"""The report's "Stagnation" section: outcomes by context budget, load:act, elided reads."""

from __future__ import annotations

from collections.abc import Sequence

from assay.agents.config import LoopConfig
from assay.report.document import Table
from assay.report.tables import arm_lead, arm_lead_headers, load_act_text
from assay.results.metrics import ArmMetrics
from assay.results.runs import RunData

OUTCOMES = ("completed", "stagnated", "budget", "fault", "interrupted")

NOTE = (
    "Per arm: the loop agent's context budget per pass (`ctx_limit`, tokens) and whether spec"
    " elision was on; the outcomes; load:act = Σ reads and listings / Σ writes and edits over"
    " every attempt (both sums shown, attempts that wrote nothing counted in); elided reads ="
    " reads answered with the elision notice instead of the file, summed over the attempts."
    " Below a budget floor the reads crowd out the writes: load:act grows and passes end"
    " with the workspace unchanged (`stagnated`)."
)


def _budget(run: RunData, agent: str) -> tuple[str, str]:
    spec = next((a for a in run.manifest.agents if a.id == agent), None)
    if spec is None or spec.kind != "loop":
        return "n/a", "n/a"
    defaults = LoopConfig()
    ctx = spec.config.get("ctx_limit", defaults.ctx_limit)
    elide = spec.config.get("elide_passing", defaults.elide_passing)
    return str(ctx), "on" if elide else "off"


def stagnation_table(runs: Sequence[RunData], arms: Sequence[list[ArmMetrics]]) -> Table:
    """One row per arm: budget, elision, outcome counts, load:act, elided reads."""
    several = len(runs) > 1
    rows = []
    for run, run_arms in zip(runs, arms, strict=True):
        for a in run_arms:
            elided = sum(
                r.elided_reads
                for r in run.records
                if r.agent_id == a.agent and r.condition == a.condition
            )
            rows.append(
                [
                    *arm_lead(run, a, several),
                    *_budget(run, a.agent),
                    *(str(a.outcomes.get(o, 0)) for o in OUTCOMES),
                    load_act_text(a),
                    str(elided),
                ]
            )
    headers = [
        *arm_lead_headers(several),
        "ctx_limit",
        "elision",
        *OUTCOMES,
        "load:act (reads/writes)",
        "elided reads",
    ]
    lead = len(arm_lead_headers(several))
    return Table(headers, rows, numeric=frozenset(range(lead + 2, len(headers))))
