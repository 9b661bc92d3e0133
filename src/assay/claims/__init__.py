"""Pre-registered claims decided by a gate that fails closed.

- ``spec``     — :class:`ClaimSpec` (declared before running) and :class:`ClaimResult`;
- ``data``     — attempt rows and their reduction to paired units (tasks or clusters);
- ``where``    — the rows a claim's ``where`` keeps;
- ``family``   — ``per`` sub-claims and ``requires_all``;
- ``replicates`` — replicate arms on one task: one-sided Fisher, a conservative bound;
- ``csvrows``  — rows from a CSV file, with errors naming file, line and column;
- ``claimsfile`` — ``[[claims]]`` from a TOML file (``evaluate --claims``, ``compare``);
- ``evidence`` — the bounds and p-values one claim is decided on;
- ``ledger``   — the append-only ledger of looks (interim looks marked);
- ``feasibility`` — the smallest effect a claim could ever be supported on (preflight);
- ``evaluate`` — the decision, with Holm across the family of claims.
"""

from assay.claims.csvrows import read_rows
from assay.claims.data import Row
from assay.claims.evaluate import Flag, evaluate_claim, evaluate_family
from assay.claims.ledger import LookLedger, LookRecord
from assay.records.claim import ClaimResult, ClaimSpec, FailClosedReason

__all__ = [
    "ClaimResult",
    "ClaimSpec",
    "FailClosedReason",
    "Flag",
    "LookLedger",
    "LookRecord",
    "Row",
    "evaluate_claim",
    "evaluate_family",
    "read_rows",
]
