"""Outcome classes of an agent attempt, each with its own exit code."""

from __future__ import annotations

from typing import Literal

Outcome = Literal["completed", "stagnated", "budget", "fault", "interrupted"]

EXIT_CODES: dict[Outcome, int] = {
    "completed": 0,
    "fault": 1,
    "stagnated": 3,
    "budget": 4,
    "interrupted": 5,  # never 0: an interrupted attempt is not a completed one
}
"""Exit codes per outcome; 2 stays the code for bad input."""

PassReason = Literal[
    "completed",  # done passed the public gate (or the end-of-pass probe did)
    "model_stop",  # the model answered without an action
    "context",  # the context-token budget of the pass ran out
    "max_steps",  # the step budget of the pass ran out
    "done_loop",  # repeated failing `done` calls without a write in between
    "format_errors",  # too many malformed actions in a row
    "fault",  # the model endpoint failed
    "interrupted",  # the caller stopped the attempt
]
