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
    """The exit code of ``fault`` (1) when no attempt could finish because of faults, else 0.

    "Could not finish": no attempt ended completed, stagnated or budget, and at least one
    faulted (the rest, if any, were interrupted). A run the operator stopped with Ctrl-C
    before anything finished, without a fault, exits 0 as before: nothing failed.
    """
    if any(r.outcome in FINISHING for r in records):
        return 0
    return EXIT_CODES["fault"] if any(r.outcome == "fault" for r in records) else 0
