"""The leakage parsers: normalised assert statements and literal calls (in process)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.audit.leakage import literal_calls, normalised_asserts

values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner),
    max_leaves=6,
)


@settings(max_examples=60, deadline=None)
@given(args=st.lists(values, max_size=3), expected=values, pad=st.sampled_from(["", " ", "  "]))
def test_formatting_never_changes_a_normalised_assert(args, expected, pad) -> None:
    call = f"f({', '.join(repr(a) for a in args)})"
    plain = f"assert {call} == {expected!r}\n"
    styled = f"assert ({pad}{call}{pad}=={pad}({expected!r})), 'message'  # comment\n"
    assert normalised_asserts(plain) == normalised_asserts(styled)
    assert len(normalised_asserts(plain)) == 1


@settings(max_examples=60, deadline=None)
@given(args=st.lists(values, max_size=3))
def test_literal_calls_recover_the_arguments(args) -> None:
    text = f"def test():\n    assert f({', '.join(repr(a) for a in args)}) == 1\n"
    assert literal_calls(text, "f") == [tuple(args)]
    assert literal_calls(text, "g") == []


def test_different_asserts_stay_different_and_bad_source_has_none() -> None:
    assert normalised_asserts("assert f(1) == 2\nassert f(1) == 3\n") == [
        "assert f(1) == 2",
        "assert f(1) == 3",
    ]
    assert normalised_asserts("def broken(:\n") == []
    assert literal_calls("f(x)\nf(1, k=2)\nf(2)\n", "f") == [(2,)]
