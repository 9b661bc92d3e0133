"""Reranking candidate solutions: pools of labelled candidates, scorers, lift, calibration.

- ``pool_io`` — writing and reading pool folders (records in :mod:`assay.records.pool`).
- ``pool_build`` — what every origin shares: gate labels, the seeded shuffle, the folder.
- ``pool_mutation``, ``pool_runs``, ``pool_sample`` — the three origins of ``assay pool build``.
"""

from assay.rerank.pool_io import Pool, code_sha256, read_pool, write_pool

__all__ = ["Pool", "code_sha256", "read_pool", "write_pool"]
