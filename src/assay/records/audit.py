"""The audit draw event: one seeded ``sample:P`` draw of an attempt's escalation policy.

Each time a condition's ``sample:P`` trigger is reached the runner draws, and records the
draw in the attempt's events as ``{"round": R, "rate": P, "selected": bool}``. An
attempt's first draw is a randomised assignment: audited (selected) or not. Comparing the
two groups' outcomes estimates how much the audit itself changes what is measured — the
distortion a claim's ``audit_distortion_budget`` is meant to cover.
"""

from __future__ import annotations

from typing import Final

AUDIT_DRAW: Final = "audit_draw"
"""The event kind of an audit draw."""
