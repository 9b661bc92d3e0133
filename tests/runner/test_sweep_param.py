"""``--param agents.ID.KEY=V1,V2,...``: parsed exactly, bad input refused as InputError."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.errors import InputError
from assay.runner.sweep import parse_param, parse_value

_VALUES = st.one_of(
    st.booleans(),
    st.integers(-(10**9), 10**9),
    st.text("abcxyz_-", min_size=1, max_size=8).filter(lambda s: s not in ("true", "false")),
)


@given(st.lists(_VALUES, min_size=1, max_size=5, unique_by=repr))
def test_values_round_trip(values: list[object]) -> None:
    text = ",".join(str(v).lower() if isinstance(v, bool) else str(v) for v in values)
    p = parse_param(f"agents.loop.ctx_limit={text}")
    assert (p.agent, p.key, p.values) == ("loop", "ctx_limit", values)


@given(st.text(max_size=40))
def test_any_text_parses_or_is_input_error(text: str) -> None:
    try:
        parse_param(text)
    except InputError as exc:
        assert "--param" in str(exc)


@pytest.mark.parametrize(
    "bad", ["ctx_limit=1", "agents.loop=1", "agents.loop.k=1,,2", "agents.loop.k=1,1"]
)
def test_bad_params_refused(bad: str) -> None:
    with pytest.raises(InputError):
        parse_param(bad)


def test_non_finite_float_stays_text() -> None:
    assert parse_value("nan") == "nan" and parse_value("0.5") == 0.5


def test_expansion_keeps_other_settings_and_rewrites_claims() -> None:
    from assay.records.manifest import manifest_from_dict
    from assay.runner.sweep import expand

    base = manifest_from_dict(
        {
            "name": "m",
            "suites": ["kits"],
            "agents": [
                {"id": "loop", "model": "scripted:x", "config": {"max_passes": 3}},
                {"id": "other", "model": "scripted:y"},
            ],
            "conditions": [{"id": "solo"}, {"id": "auto"}],
            "claims": [
                {
                    "id": "c",
                    "metric": "success",
                    "treatment": "auto",
                    "control": "solo",
                    "where": {"agent": "loop"},
                }
            ],
        },
        source="test",
    )
    params = [
        parse_param("agents.loop.ctx_limit=900,2000"),
        parse_param("agents.loop.elide_passing=true,false"),
    ]
    out = expand(base, params)
    ids = [a.id for a in out.agents]
    assert ids == [
        "loop.ctx_limit-900.elide_passing-true",
        "loop.ctx_limit-900.elide_passing-false",
        "loop.ctx_limit-2000.elide_passing-true",
        "loop.ctx_limit-2000.elide_passing-false",
        "other",
    ]
    assert out.agents[1].config == {"max_passes": 3, "ctx_limit": 900, "elide_passing": False}
    assert out.claims[0].where is not None and list(out.claims[0].where.agent) == ids[:4]
    assert out.sweep == params and out.digest() != base.digest()
