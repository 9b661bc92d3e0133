"""The experiment runner: manifest → attempts under workflow conditions → run directory.

- ``execute``  — ``run_experiment``: validate, lock, schedule with bounded concurrency, resume,
  retry infrastructure faults, record; a full disk stops it cleanly;
- ``prepare``  — before anything is written: suites, tasks and their digests (``tasks.json``),
  the environment, the planned attempts and which of them are still to run;
- ``attempt``  — one attempt as a named pipeline (start → rounds → final truth → record);
- ``rounds``   — an agent round, then inspection, channels and escalation, truth scoring;
- ``channels`` — the condition's channels, escalation policy and retry feedback;
- ``review_budget`` — the review budget per attempt and run, and the refusals it records;
- ``truth``    — the hidden truth (the full gate, cached per workspace state);
- ``workspace``— an attempt's fresh workspace and its gated toolbox (the agent's ``done``);
- ``spec``     — an attempt's coordinates and its arm; ``quick`` — a manifest from flags;
- ``preflight``— checks before an expensive run (tasks, endpoints, CLIs, disk, claims);
- ``bounded``, ``builtin_scripts`` — model concurrency bounds; the demo's scripted replies.
"""

from assay.runner.attempt import infrastructure_fault, run_attempt
from assay.runner.execute import run_experiment
from assay.runner.quick import quick_manifest
from assay.runner.spec import Arm, AttemptSpec
from assay.runner.workspace import fresh_workspace, gated_toolbox

__all__ = [
    "Arm",
    "AttemptSpec",
    "fresh_workspace",
    "gated_toolbox",
    "infrastructure_fault",
    "quick_manifest",
    "run_attempt",
    "run_experiment",
]
