"""Property tests of the two readers interop adds: event lines and record timestamps."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from tempfile import TemporaryDirectory

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.interop.status import parse_stamp
from assay.results.events import read_events

EVENT = st.fixed_dictionaries(
    {
        "schema": st.just("assay.event.v1"),
        "attempt_id": st.text(max_size=8),
        "seq": st.integers(0, 10_000),
        "t": st.integers(0, 10_000),
        "kind": st.sampled_from(["model_call", "tool_call", "interrupt", "pass_start", "other"]),
        "data": st.dictionaries(
            st.text(max_size=6), st.text(max_size=12) | st.integers(), max_size=4
        ),
    }
)


_FOLDER = TemporaryDirectory()  # one file rewritten per example: no folder per example


def read_bytes(data: bytes) -> list[dict[str, object]]:
    path = Path(_FOLDER.name) / "events.jsonl"
    path.write_bytes(data)
    return list(read_events(path))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_read_without_raising(data: bytes) -> None:
    for event in read_bytes(data):
        assert isinstance(event, dict) and isinstance(event["data"], dict)


@settings(max_examples=60, deadline=None)
@given(st.lists(EVENT, max_size=5), st.integers(0, 10_000))
def test_a_cut_file_yields_exactly_its_complete_lines(
    events: list[dict[str, object]], cut: int
) -> None:
    text = "".join(json.dumps(e) + "\n" for e in events).encode()
    data = text[: min(cut, len(text))]
    complete = data.count(b"\n")
    # A line cut mid-write is left out, never half-read; every complete line is kept.
    assert read_bytes(data) == events[:complete]


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=40) | st.none() | st.integers())
def test_timestamps_parse_or_are_unknown(text: object) -> None:
    stamp = parse_stamp(text)
    assert stamp is None or stamp.tzinfo is not None


@settings(max_examples=50, deadline=None)
@given(st.datetimes(timezones=st.just(UTC)))
def test_recorded_timestamps_round_trip(when: datetime) -> None:
    recorded = when.isoformat(timespec="seconds")
    assert parse_stamp(recorded) == when.replace(microsecond=0)
