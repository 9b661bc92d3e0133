"""SWE-bench predictions (``instance_id``, ``model_name_or_path``, ``model_patch``) of a run.

One line per task of one arm at one seed, the patch being the attempt's final diff
(``diffs/<attempt>.patch``, relative to the task's workspace, which is the repository the
diff applies to). The instance id is the task id: assay tasks declare no other. An arm is
``AGENT/CONDITION`` (an agent id names one model in a manifest); the seed defaults to 1,
the first, because a predictions file holds one patch per instance.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from assay.errors import InputError
from assay.records.attempt import AttemptRecord
from assay.results.runs import RunData


@dataclass(frozen=True)
class Predictions:
    """The predictions of one arm at one seed, and the planned tasks that have none."""

    arm: str
    model_name_or_path: str
    lines: list[dict[str, str]]
    missing: list[str]
    """Planned task ids without a recorded attempt (or whose diff is missing)."""


def arms_of(run: RunData) -> list[str]:
    """Every arm of the run's manifest as ``AGENT/CONDITION``, in manifest order."""
    return [f"{a.id}/{c.id}" for a in run.manifest.agents for c in run.manifest.conditions]


def predictions(run: RunData, arm: str, seed: int) -> Predictions:
    """The predictions of ``arm`` (``AGENT/CONDITION``) at ``seed``."""
    if arm not in arms_of(run):
        raise InputError.single(
            run.root / "manifest.json",
            "--arm",
            f"no arm {arm!r} in the run",
            f"use one of {', '.join(arms_of(run))}",
        )
    if not 1 <= seed <= run.manifest.seeds:
        raise InputError.single(
            run.root / "manifest.json",
            "--seed",
            f"seed {seed} is not planned (the run has seeds 1..{run.manifest.seeds})",
            "pick a planned seed",
        )
    agent, condition = arm.split("/", 1)
    model = next(a.model for a in run.manifest.agents if a.id == agent)
    name = f"{agent}/{condition}/{model}"
    chosen: dict[str, AttemptRecord] = {
        r.task_id: r
        for r in run.records
        if (r.agent_id, r.condition, r.seed) == (agent, condition, seed)
        and r.attempt_id not in run.missing_artifacts
    }
    tasks = list(run.planned_tasks or run.task_ids)
    lines = [
        {
            "instance_id": task,
            "model_name_or_path": name,
            "model_patch": (run.root / chosen[task].diff).read_text(encoding="utf-8"),
        }
        for task in tasks
        if task in chosen
    ]
    return Predictions(arm, name, lines, [t for t in tasks if t not in chosen])


def write_predictions(preds: Predictions, out: Path) -> None:
    """Write the predictions as JSON lines (sorted keys), one per instance."""
    if out.is_dir():
        raise InputError.single(out, "--out", "is a folder", "give --out a .jsonl file's path")
    out.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(line, sort_keys=True) + "\n" for line in preds.lines)
    out.write_text(text, encoding="utf-8")


def arm_file_name(arm: str) -> str:
    """The file name of an arm's predictions in a folder export (``AGENT.CONDITION.jsonl``)."""
    return arm.replace("/", ".") + ".jsonl"
