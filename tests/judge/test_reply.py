"""The judge's reply parser: hostile replies are failed judgments with a reason, never a crash."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.judge import Failure, Parsed, Scored, load_rubric, parse_reply, render_reply

RUBRIC = load_rubric()
DIMS = [d.id for d in RUBRIC.dimensions]
LOW, HIGH = RUBRIC.scale.min, RUBRIC.scale.max


def _valid(score: float = 5) -> dict[str, dict[str, dict[str, object]]]:
    side = {d: {"reason": "fine", "score": score} for d in DIMS}
    return {"A": dict(side), "B": dict(side)}


scores = st.integers(int(LOW), int(HIGH)) | st.floats(LOW, HIGH, allow_nan=False)
reasons = st.text(min_size=1, max_size=40).filter(lambda s: s.strip())
side_strategy = st.fixed_dictionaries({d: st.builds(Scored, reasons, scores) for d in DIMS})


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_any_text_is_a_judgment_or_a_failure(text: str) -> None:
    assert isinstance(parse_reply(text, RUBRIC), Parsed | Failure)


@settings(max_examples=200, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.sampled_from(["A", "B", "reason", "score", *DIMS]), inner, max_size=5
            )
        ),
        max_leaves=30,
    )
)
def test_any_json_is_a_judgment_or_a_failure(value: object) -> None:
    text = json.dumps(value)
    result = parse_reply(text, RUBRIC)
    assert isinstance(result, Parsed | Failure)
    if isinstance(result, Parsed):  # only a complete, in-range object can parse
        for side in (result.a, result.b):
            assert sorted(side) == sorted(DIMS)
            assert all(LOW <= s.score <= HIGH for s in side.values())


@settings(max_examples=200, deadline=None)
@given(side_strategy, side_strategy, st.text(max_size=30).filter(lambda s: "{" not in s))
def test_a_valid_reply_round_trips_through_any_preamble(a, b, preamble: str) -> None:
    parsed = Parsed(a, b)
    result = parse_reply(f"{preamble}\n```json\n{render_reply(parsed)}\n```", RUBRIC)
    assert isinstance(result, Parsed)
    assert {k: v.score for k, v in result.a.items()} == {k: v.score for k, v in a.items()}
    assert {k: v.score for k, v in result.b.items()} == {k: v.score for k, v in b.items()}
    assert all("\n" not in v.reason and v.reason for v in result.a.values())


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(DIMS),
    st.sampled_from(["A", "B"]),
    st.floats(allow_nan=False).filter(lambda x: not LOW <= x <= HIGH),
)
def test_an_out_of_range_score_fails_naming_the_dimension(dim: str, label: str, bad: float) -> None:
    reply = _valid()
    reply[label][dim] = {"reason": "r", "score": bad}
    result = parse_reply(json.dumps(reply), RUBRIC)
    assert isinstance(result, Failure)
    assert f"{label}.{dim}" in result.reason


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(DIMS), st.sampled_from(["A", "B"]))
def test_a_missing_dimension_fails_naming_it(dim: str, label: str) -> None:
    reply = _valid()
    del reply[label][dim]
    result = parse_reply(json.dumps(reply), RUBRIC)
    assert isinstance(result, Failure) and dim in result.reason and "missing" in result.reason


def test_hostile_shapes_each_fail_with_a_reason() -> None:
    def with_dim(value: object) -> str:
        reply: dict[str, object] = _valid()
        reply["A"] = {**reply["A"], DIMS[0]: value}  # type: ignore[dict-item]
        return json.dumps(reply)

    cases = {
        "": "no JSON object",
        "{not json": "no JSON object",
        "[1, 2, 3]": "no JSON object",
        json.dumps({"A": {}}): "exactly the keys A and B",
        with_dim({"score": 5, "reason": "late"}): "score comes before its reason",
        with_dim({"reason": "", "score": 5}): "reason is empty",
        with_dim({"reason": "r", "score": True}): "not a number",
        with_dim({"reason": "r", "score": "7"}): "not a number",
        with_dim({"reason": "r", "score": 5, "extra": 1}): "exactly the keys reason and score",
        with_dim(7): "not an object",
        json.dumps(_valid()).replace("5", "NaN", 1): "not finite",
        json.dumps(_valid())[:-1] + ', "A": {}}': "given twice",
        json.dumps(
            {**_valid(), "A": {**_valid()["A"], "elegance": {"reason": "r", "score": 1}}}
        ): "unknown dimension",
    }
    for text, why in cases.items():
        result = parse_reply(text, RUBRIC)
        assert isinstance(result, Failure), text
        assert why in result.reason, (text, result.reason)
