"""The reading side: what run directories say, for every face (report, query, release, CLI).

- ``runs``    — a run directory loaded and checked (manifest digest, artifacts, the plan);
- ``metrics`` — workflow metrics per agent × model × condition, intervals over tasks;
- ``scoring`` — the one scoring of a channel inspection against the hidden tests and the
  hazard truth;
- ``passes``  — one row per agent pass (reads, bytes read, writes, tokens, why it ended);
- ``outcomes``— a run's outcome counts and the exit code of ``assay run``;
- ``claims``  — the manifest's pre-registered claims decided by the fail-closed evaluation;
- ``compare`` — claims across two runs that share tasks, after a compatibility check;
- ``audit``   — the audit distortion a run's ``sample:P`` audit bounds, beside the budgets.

Faces render or export what this layer returns; none of them computes a number itself.
"""

from assay.results.claims import RunClaims, evaluate_run, resolve_arm
from assay.results.metrics import METRICS, ArmMetrics, ChannelCounts, Estimate, arm_metrics
from assay.results.runs import RunData, load_run, load_runs
from assay.results.scoring import SCORES, Score, channel_score, hazard_score

__all__ = [
    "METRICS",
    "SCORES",
    "ArmMetrics",
    "ChannelCounts",
    "Estimate",
    "RunClaims",
    "RunData",
    "Score",
    "arm_metrics",
    "channel_score",
    "evaluate_run",
    "hazard_score",
    "load_run",
    "load_runs",
    "resolve_arm",
]
