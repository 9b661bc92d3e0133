"""A run directory for other tools, and its progress: what only ``cli`` imports.

- ``status``      — done/planned, outcomes, faults, spend and time left from the records
  (``assay status``), without the writer's lock and without deciding any claim;
- ``tabular``     — the tables of ``assay query`` written as Parquet or CSV by DuckDB;
- ``swebench``    — SWE-bench predictions (instance id, model, patch) per arm and seed;
- ``inspect_log`` — Inspect AI ``.eval`` logs (the ``inspect`` extra), one per arm;
- ``events``      — an attempt's complete event lines (a cut last line skipped);
- ``transcript``  — an attempt's events as Inspect chat messages (imported with Inspect).

Every export reads the run directory through ``results``; the run directory stays the
authority, and nothing here writes into it.
"""

from assay.interop.status import RunStatus, read_status, status_of

__all__ = ["RunStatus", "read_status", "status_of"]
