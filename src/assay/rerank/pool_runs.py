"""``--origin runs``: every recorded attempt's final code, labelled by its own verdict.

A run directory keeps, per finished try, ``finals/<attempt>.json`` (``assay.final.v1``,
written by the runner): the task's candidate module as the attempt left it and the full
hidden-test verdict on that workspace. Each latest try with one becomes a candidate of its
task (``candidate`` = the attempt id; ``passed`` and per-test results from that verdict, not
verified again). The problem's candidates are ranked in the order they were made: by seed,
then attempt id. The benchmark is the folder name of the task's suite (``tasks.json``).
Attempts without final code (infrastructure faults, interrupted attempts, runs from before
finals were kept) are left out; a planned task left with no candidate is dropped
(``too_few_candidates``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assay.errors import InputError
from assay.records.attempt import AttemptRecord
from assay.records.final import FinalCode, final_file
from assay.rerank.pool_build import Built, Detail, Made, labelled
from assay.store.rundir import RunDir


def _sample_event(run: RunDir, record: AttemptRecord) -> dict[str, Any]:
    """The last ``oneshot_sample`` event of the attempt's events ({} if none)."""
    path = run.root / record.events
    found: dict[str, Any] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return found
    for line in lines:
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict) and event.get("kind") == "oneshot_sample":
            data = event.get("data")
            found = data if isinstance(data, dict) else {}
    return found


def _detail(run: RunDir, record: AttemptRecord, sample: dict[str, Any]) -> Detail:
    detail: Detail = {
        "run": run.root.name,
        "attempt": record.attempt_id,
        "agent": record.agent_id,
        "model": record.model,
        "condition": record.condition,
        "attempt_seed": record.seed,
        "outcome": record.outcome,
        "prompt_tokens": record.tokens.prompt,
        "completion_tokens": record.tokens.completion,
        "cost_usd": record.cost_usd,
    }
    for key in ("temperature", "seed", "max_tokens", "logprob_mean", "finish_reason"):
        value = sample.get(key)
        if (value is None or isinstance(value, str | int | float | bool)) and key in sample:
            detail[key] = value
    return detail


def read_final(run: RunDir, record: AttemptRecord) -> FinalCode | None:
    """The attempt's final code record, None if the run kept none for it."""
    path = run.root / final_file(record.attempt_id, record.try_)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return FinalCode.model_validate_json(text)
    except ValidationError as exc:
        raise InputError.from_validation(
            exc, path, fix="the run's finals/ file is damaged"
        ) from None


def build_runs(run_dir: Path, *, seed: int, source: str | None = None) -> Built:
    """The candidates of every attempt of a run directory that kept its final code."""
    run = RunDir.open(run_dir)
    tasks = run.tasks()
    suites = {t.id: Path(t.suite).name for t in tasks.tasks if t.suite} if tasks else {}
    planned = sorted(suites) if tasks else []
    built = Built(origin="runs", seed=seed, source=source or str(run_dir))
    records = sorted(run.latest().values(), key=lambda r: (r.seed, r.attempt_id))
    for record in records:
        final = read_final(run, record)
        if final is None or final.code is None:
            continue
        bench = suites.get(record.task_id, "suite")
        group = built.problems.setdefault((bench, record.task_id), [])
        made = Made(record.attempt_id, final.code, _detail(run, record, _sample_event(run, record)))
        group.append(
            labelled(
                bench,
                record.task_id,
                made,
                final.verdict,
                origin="runs",
                rank=len(group),
                seed=seed,
            )
        )
    kept = {p for _, p in built.problems}
    for tid in planned:
        if tid not in kept:
            built.drop(suites[tid], tid, "too_few_candidates", "no attempt kept final code")
    return built
