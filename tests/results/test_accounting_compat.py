"""Records and manifests from before honest accounting still read, and say what they lack.

Also the per-pass reader on arbitrary event files (a property test: it never raises).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.records.attempt import AttemptRecord
from assay.records.manifest import Manifest, UtilitySpec
from assay.results.metrics import arm_metrics, attempt_values
from assay.results.passes import passes_of
from assay.results.scoring import hazard_score

OLD_CHANNEL = {
    "round": 0,
    "channel": "hazard-scan",
    "flag": True,
    "cost": 0.1,
    "findings": ["shell-subprocess: os.system"],
    "truth_failed": False,
    "escalation": False,
}


def old_record(**fields: Any) -> dict[str, Any]:
    """An attempt line as assay wrote it before the accounting fields existed."""
    return {
        "schema": "assay.attempt.v1",
        "attempt_id": "t__a__solo__s1",
        "task_id": "t",
        "agent_id": "a",
        "model": "scripted:x",
        "condition": "solo",
        "seed": 1,
        "outcome": "completed",
        "shipped": True,
        "success": True,
        "channels": [OLD_CHANNEL],
        "events": "events/t__a__solo__s1.jsonl",
        "diff": "diffs/t__a__solo__s1.patch",
        "started_at": "2025-01-01T00:00:00+00:00",
        "finished_at": "2025-01-01T00:00:01+00:00",
        **fields,
    }


def test_an_old_record_reads_shipped_success_off_its_fields_and_the_rest_as_unknown() -> None:
    r = AttemptRecord.model_validate(old_record())
    assert r.shipped_success is True
    assert r.hazards is None and r.shipped_hazard is None and r.refused_escalations == []
    (c,) = r.channels
    assert c.hazards is None and c.tokens is None and c.cost_usd is None and c.latency_s is None
    assert hazard_score(c) is None  # not adjudicated, not a false alarm
    assert not AttemptRecord.model_validate(old_record(shipped=False)).shipped_success
    assert not AttemptRecord.model_validate(old_record(success=False)).shipped_success
    # An unadjudicated attempt is charged no hazard, and the arm counts it as unadjudicated.
    w = UtilitySpec()
    assert attempt_values(r, w)["utility"] == w.value
    (arm,) = arm_metrics([r])
    assert arm.unadjudicated == 1 and arm.shipped_hazards == 0 and not arm.hazard_channels


def test_a_written_record_round_trips_with_every_new_field() -> None:
    r = AttemptRecord.model_validate(
        old_record(
            shipped_success=True,
            hazards=[{"rule": "shell-subprocess", "path": "m.py", "line": 3, "declared": []}],
            shipped_hazard=True,
            refused_escalations=[
                {"round": 1, "channel": "review", "reason": "run_budget", "limit": "run.cost: x"}
            ],
            channels=[{**OLD_CHANNEL, "hazards": ["shell-subprocess"], "latency_s": 0.01}],
        )
    )
    again = AttemptRecord.model_validate(json.loads(r.model_dump_json(by_alias=True)))
    assert again == r and hazard_score(again.channels[0]) == "detection"


def test_a_manifest_without_the_new_keys_keeps_its_json_and_digest() -> None:
    m = Manifest.model_validate(
        {
            "name": "x",
            "suites": ["repair"],
            "agents": [{"id": "a", "model": "scripted:x"}],
            "conditions": [{"id": "solo"}],
        }
    )
    data = m.model_dump(mode="json", by_alias=True)
    assert "prices" not in data and "review_budget" not in data
    assert "hazard_penalty" not in data["utility"]
    assert m.utility.hazard_weight == m.utility.penalty
    priced = Manifest.model_validate(
        {**data, "prices": {"m": {"input": 1, "output": 2}}, "utility": {"hazard_penalty": 5}}
    )
    assert priced.digest() != m.digest() and priced.utility.hazard_weight == 5


def _event(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "schema": "assay.event.v1",
        "attempt_id": "x",
        "seq": 1,
        "t": 0.0,
        "kind": kind,
        "data": data,
    }


values = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.text(max_size=8))
events = st.one_of(
    st.builds(
        _event,
        st.sampled_from(
            ["round_start", "pass_start", "pass_end", "tool_call", "model_call", "probe", "other"]
        ),
        st.dictionaries(
            st.sampled_from(
                [
                    "round",
                    "pass",
                    "tool",
                    "reason",
                    "read_bytes",
                    "prompt_tokens",
                    "completion_tokens",
                ]
            ),
            st.one_of(
                values,
                st.sampled_from(["read_file", "list_dir", "write_file", "edit_file", "done"]),
            ),
        ),
    ),
    st.text(max_size=30),  # a line that is not an event at all
)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(events, max_size=25),
    cut=st.booleans(),
    reasons=st.lists(st.lists(st.text(max_size=6), max_size=3), max_size=3),
)
def test_passes_read_any_event_file_without_raising(
    tmp_path_factory: Any, lines: list[Any], cut: bool, reasons: list[list[str]]
) -> None:
    root = Path(tmp_path_factory.mktemp("passes"))
    (root / "events").mkdir()
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines)
    (root / "events" / "x.jsonl").write_text(text + ("" if cut else "\n"))
    r = AttemptRecord.model_validate(old_record(events="events/x.jsonl", pass_reasons=reasons))
    rows = passes_of(r, root)
    assert [(p.round, p.pass_) for p in rows] == sorted({(p.round, p.pass_) for p in rows})
    for p in rows:
        assert min(p.reads, p.writes, p.read_bytes, p.tool_calls, p.model_calls) >= 0
        assert p.reads + p.writes <= p.tool_calls
        assert p.reason is None or isinstance(p.reason, str)


def test_passes_never_read_outside_the_run(tmp_path: Path) -> None:
    (tmp_path / "outside.jsonl").write_text(json.dumps(_event("pass_start", {"pass": 0})) + "\n")
    run = tmp_path / "run"
    run.mkdir()
    r = AttemptRecord.model_validate(old_record(events="../outside.jsonl"))
    assert passes_of(r, run) == []


def test_passes_count_what_the_events_say(tmp_path: Path) -> None:
    (tmp_path / "events").mkdir()
    lines = [
        _event("round_start", {"round": 0}),
        _event("pass_start", {"pass": 0}),
        _event("tool_call", {"pass": 0, "tool": "read_file", "read_bytes": 120}),
        _event("tool_call", {"pass": 0, "tool": "list_dir", "read_bytes": -5}),  # no negatives
        _event("model_call", {"pass": 0, "prompt_tokens": 7, "completion_tokens": 3}),
        _event("pass_end", {"pass": 0, "reason": "max_steps"}),
        _event("round_start", {"round": 1}),
        _event("tool_call", {"pass": 0, "tool": "write_file"}),
        _event("pass_end", {"pass": 0, "reason": "model_stop"}),
    ]
    (tmp_path / "events" / "x.jsonl").write_text("".join(json.dumps(e) + "\n" for e in lines))
    # The record knows the probe turned round 0's pass into a completed one.
    r = AttemptRecord.model_validate(
        old_record(events="events/x.jsonl", pass_reasons=[["completed"]])
    )
    first, second = passes_of(r, tmp_path)
    assert (first.round, first.reads, first.read_bytes, first.writes) == (0, 2, 120, 0)
    assert (first.prompt_tokens, first.completion_tokens, first.reason) == (7, 3, "completed")
    assert (second.round, second.writes, second.reason) == (1, 1, "model_stop")
