"""How a run ended, as ``assay run`` reports it: outcome counts and the exit code."""

from __future__ import annotations

from collections.abc import Sequence
from typing import get_args

from assay.records.attempt import AttemptRecord
from assay.records.outcome import EXIT_CODES, Outcome

FINISHING = frozenset({"completed", "stagnated", "budget"})


def outcome_counts(records: Sequence[AttemptRecord]) -> str:
    """``completed=N stagnated=N budget=N fault=N interrupted=N`` (zeros included)."""
    return " ".join(f"{o}={sum(r.outcome == o for r in records)}" for o in get_args(Outcome))


def unfinished_exit(records: Sequence[AttemptRecord]) -> int:
    """0 when some attempt finished (completed, stagnated, budget); else an outcome's code.

    A run in which no attempt could finish exits with the code of ``fault`` (1) when any
    attempt faulted, else of ``interrupted`` (5): a run with nothing to show never exits 0.
    """
    if not records or any(r.outcome in FINISHING for r in records):
        return 0
    faulted = any(r.outcome == "fault" for r in records)
    return EXIT_CODES["fault"] if faulted else EXIT_CODES["interrupted"]
