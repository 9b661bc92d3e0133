"""The task-strength audit (``assay audit``): how much each task's tests can be trusted.

- ``run`` — mutation kill rates (hidden and public tests), flakiness, solvability, cost;
- ``leakage`` — hidden assertions the public tests already contain, verbatim;
- ``markdown`` — the audit as a markdown section (``audit.md``, embeddable in a report).

Records live in :mod:`assay.records.task_audit` (``assay.audit.v1``).
"""
