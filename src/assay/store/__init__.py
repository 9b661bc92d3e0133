"""The run directory on disk: append-only, synced records; a cut last line repaired on open.

``RunDir`` creates, opens and appends to a run directory and returns its validated manifest;
``EventLog`` writes one attempt's events; ``append_synced``, ``repair_tail`` and
``committed_lines`` serve every append-only JSON-lines file of a run.
"""

from assay.store.lines import append_synced, committed_lines, repair_tail
from assay.store.rundir import ATTEMPTS, EventLog, RunDir

__all__ = [
    "ATTEMPTS",
    "EventLog",
    "RunDir",
    "append_synced",
    "committed_lines",
    "repair_tail",
]
