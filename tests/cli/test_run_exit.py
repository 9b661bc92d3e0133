"""`assay run` exit codes: a mistyped condition is bad input; a run that finished nothing fails."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assay.records.attempt import AttemptRecord
from assay.results.outcomes import outcome_counts, unfinished_exit
from assay.store.rundir import RunDir
from assay.tasks.suite import BUNDLED_ROOT
from tests.conftest import run_assay


def test_an_unknown_condition_id_is_bad_input_naming_the_known_ones(tmp_path: Path) -> None:
    out = tmp_path / "r"
    done = run_assay(
        "run",
        "--suite",
        "repair",
        "--model",
        "scripted:builtin:repair-demo",
        "--conditions",
        "solo,escalte",
        "--out",
        str(out),
        "--quiet",
    )
    assert done.returncode == 2, done.stderr
    assert "--conditions" in done.stderr and "escalte" in done.stderr
    assert "solo, auto, escalate" in done.stderr
    assert "Traceback" not in done.stderr
    assert not out.exists()


def test_a_run_whose_every_attempt_faulted_exits_1_with_the_counts(tmp_path: Path) -> None:
    suite = tmp_path / "suite"
    shutil.copytree(BUNDLED_ROOT / "repair" / "window-sums", suite / "window-sums")
    script = tmp_path / "dead.json"
    # Every try of every call fails: the retry policy's four tries, then a model fault.
    script.write_text(
        json.dumps(
            {
                "schema": "assay.script.v1",
                "tasks": {"*": [{"faults": ["http_500"] * 8, "text": "unreachable"}]},
            }
        )
    )
    out = tmp_path / "r"
    done = run_assay(
        "run",
        "--suite",
        str(suite),
        "--model",
        f"scripted:{script}",
        "--conditions",
        "solo",
        "--seeds",
        "2",
        "--out",
        str(out),
        "--quiet",
    )
    assert done.returncode == 1, done.stderr
    assert (
        "no attempt could finish because of faults (completed=0 stagnated=0 budget=0 fault=2 interrupted=0)"
        in (done.stderr)
    )
    records = list(RunDir.open(out).latest().values())
    assert len(records) == 2 and all(r.outcome == "fault" for r in records)
    # Nothing was answered, so nothing is known about what the calls cost: null, not 0.0.
    assert all(r.cost_usd is None for r in records)
    line = json.loads((out / "attempts.jsonl").read_text().splitlines()[0])
    assert line["cost_usd"] is None


def _record(outcome: str) -> AttemptRecord:
    return AttemptRecord.model_validate(
        {
            "attempt_id": f"t__a__c__s{outcome}",
            "task_id": "t",
            "agent_id": "a",
            "model": "m",
            "condition": "c",
            "seed": 1,
            "outcome": outcome,
            "events": "events/x.jsonl",
            "diff": "diffs/x.patch",
            "started_at": "2025-01-01T00:00:00+00:00",
            "finished_at": "2025-01-01T00:00:00+00:00",
        }
    )


def test_the_exit_code_is_1_only_when_faults_left_nothing_finished() -> None:
    fault, stop = _record("fault"), _record("interrupted")
    assert unfinished_exit([]) == 0
    assert unfinished_exit([fault, _record("stagnated")]) == 0
    assert unfinished_exit([fault, stop]) == 1
    assert unfinished_exit([stop]) == 0  # stopped by the operator: nothing failed
    assert outcome_counts([fault, stop]) == (
        "completed=0 stagnated=0 budget=0 fault=1 interrupted=1"
    )
