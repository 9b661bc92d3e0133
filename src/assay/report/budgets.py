"""The report's table of claim budgets: what each claim must clear, why, and what the data say.

Beside each declared claim's margin, transport and audit-distortion budgets (and the
``rationale`` the manifest gives for them) it shows the audit distortion the run's own audit
sample can bound (:mod:`assay.results.audit`). The estimate never changes a decision — the
budgets were pre-registered — but a budget below what the data can rule out is named.
"""

from __future__ import annotations

from collections.abc import Sequence

from assay.report.document import Table
from assay.report.tables import DASH
from assay.results.audit import AuditDistortion
from assay.results.runs import RunData


def _measured(estimates: Sequence[AuditDistortion]) -> str:
    if not estimates:
        return "no audit sample in the claim's arms"
    parts = []
    for e in estimates:
        if e.upper_bound is None or e.difference is None:
            parts.append(f"{e.condition}: {e.note}")
        else:
            covered = "covered" if e.covered else "NOT covered by the budget"
            parts.append(
                f"{e.condition} (sample {e.rate:g}): audited {e.audited} vs unaudited"
                f" {e.unaudited} attempts, {e.metric} difference {e.difference:+.3f},"
                f" |difference| ≤ {e.upper_bound:.3f} (95%), {covered}"
            )
    return "; ".join(parts)


def budgets_table(runs: Sequence[RunData], audits: Sequence[Sequence[AuditDistortion]]) -> Table:
    """One row per declared claim: margin, budgets, rationale, measured audit distortion."""
    several = len(runs) > 1
    rows = []
    for run, estimates in zip(runs, audits, strict=True):
        for c in run.manifest.claims:
            mine = [e for e in estimates if e.claim_id == c.id]
            rows.append(
                [
                    *([f"`{run.label}`"] if several else []),
                    f"`{c.id}`",
                    f"{c.margin:g}",
                    f"{c.transport_budget:g}",
                    f"{c.audit_distortion_budget:g}",
                    c.rationale or DASH,
                    _measured(mine),
                ]
            )
    lead = ["run"] if several else []
    return Table(
        [
            *lead,
            "claim",
            "margin",
            "transport budget",
            "audit-distortion budget",
            "why (rationale)",
            "audit distortion measured",
        ],
        rows,
        numeric=frozenset(range(len(lead) + 1, len(lead) + 4)),
        css_class="budgets",
    )
