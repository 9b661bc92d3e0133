"""Reranking candidate solutions: pools of labelled candidates, scorers, lift, calibration.

- ``pool_io``  — writing and reading pool folders (records in :mod:`assay.records.pool`);
- ``scorers/`` — the scorer protocol, the built-ins, plugins (``module:callable``, entry points);
- ``scoring``  — a scorer run over a pool (task folders found, bad output named);
- ``metrics``  — pass@1, pass@k and MRR as exact expectations over tie-breaking;
- ``lift``     — every method per problem; per-slice summaries, paired lifts, gap closed;
- ``gates``    — the rerank claims (per benchmark × seed × baseline) on the claims gate;
- ``run``      — ``assay rerank``: score, summarize, gate, record;
- ``discrimination`` — ROC-AUC with DeLong's interval, average precision;
- ``reliability``    — Brier and its decomposition, ECE bins, the 0.5 threshold;
- ``calibrate``      — ``assay calibrate``: slices by benchmark and split, the diagram;
- ``split``, ``split_io`` — ``assay split``: grouped, seeded, covered or blocked;
- ``cards``    — the pool card and the scorer card (markdown).
"""

from assay.rerank.pool_io import Pool, code_sha256, read_pool, write_pool

__all__ = ["Pool", "code_sha256", "read_pool", "write_pool"]
