"""The gate's fast path: an answer whose typed JSON equals the expected's passes undecoded.

It must accept exactly what EvalPlus's comparison (:class:`Judge`) accepts for such an
answer, and the tolerance the suite carries on must not change.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.verify.function import wire
from assay.verify.function.compare import FLOAT_ATOL, Judge, equal_form_passes, is_floats
from assay.verify.function.executor import interpret
from assay.verify.function.slots import Raw
from tests.verify.function.test_wire import values

MODES = ["exact", "any", "sum_div", "digit_distance", "surface_area", "not_none", "set"]


def _loosen(form: Any, draw: st.DrawFn) -> Any:
    """Another typed-JSON form ``==`` to this one: ints as floats, bools as ints, and back."""
    if type(form) is bool:
        return draw(st.sampled_from([form, int(form)]))
    if type(form) is int and abs(form) < 2**53:
        return draw(st.sampled_from([form, float(form)]))
    if type(form) is list:
        return [_loosen(x, draw) for x in form]
    if type(form) is dict:
        return {k: _loosen(v, draw) for k, v in form.items()}
    return form


@st.composite
def equal_forms(draw: st.DrawFn) -> tuple[Any, Any]:
    """(answer form, expected form): the expected's typed JSON and an equal variant of it."""
    expected = json.loads(wire.dumps(draw(values)))
    return _loosen(expected, draw), expected


@settings(max_examples=60, deadline=None)
@given(equal_forms(), st.sampled_from(MODES), st.sampled_from([0.0, 1e-3]))
def test_an_equal_form_is_accepted_exactly_when_the_comparison_accepts_it(forms, mode, atol):
    answer, expected = forms
    assert answer == expected
    run = interpret(Raw(lines=[{"ready": True}, {"i": 0, "v": answer}]), 1, [expected])
    # None stands for "no form to match" (a None expectation takes the comparison).
    assert run.answers[0].matched == (expected is not None)
    if expected is not None and equal_form_passes(mode, json.dumps(expected)):
        judge = Judge(mode, atol)
        out, exp = wire.decode(answer), wire.decode(expected)
        assert judge.ok(out, exp, [1, 2])
        # The fast path's bookkeeping leaves the tolerance where the comparison left it.
        fast = Judge(mode, atol)
        fast.matched(is_floats(exp))
        assert fast.atol == judge.atol


def test_nan_set_and_poly_zero_always_take_the_comparison():
    nan = json.dumps(wire.encode([1.0, float("nan")]))
    assert not equal_form_passes("exact", nan)
    assert not equal_form_passes("set", "[1,2]")
    assert not equal_form_passes("poly_zero", "1.0")
    assert equal_form_passes("exact", "[1,2]")


def test_an_unequal_or_unknown_form_is_decoded_and_compared():
    lines = [{"ready": True}, {"i": 0, "v": [1, 3]}, {"i": 1, "v": [1, 2]}]
    run = interpret(Raw(lines=lines), 2, [[1, 2], None])
    assert [a.matched for a in run.answers] == [False, False]
    assert [a.value for a in run.answers] == [[1, 3], [1, 2]]
    # Tolerance switches on at the first float expectation, fast path or not.
    judge = Judge("exact", 0.0)
    judge.matched(True)
    assert judge.atol == FLOAT_ATOL
