"""The run directory on disk: append-only, synced records; a cut last line repaired on open.

``RunDir`` creates, opens and appends to a run directory and returns its validated manifest;
``EventLog`` writes one attempt's events.
"""

from assay.store.rundir import ATTEMPTS, EventLog, RunDir

__all__ = ["ATTEMPTS", "EventLog", "RunDir"]
