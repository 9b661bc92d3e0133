"""The function runner's parts: EvalPlus comparison rules, mutators, contracts, task format."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.errors import InputError
from assay.importers.check_calls import literal_inputs
from assay.importers.mbpp_shapes import shape_inputs
from assay.importers.plus import with_contract
from assay.tasks.load import load_task
from assay.tasks.mutants import mutants
from assay.tasks.typemut import canonical, mutate_value, propose
from assay.verify.function.compare import Judge


def _ok(mode, out, exp, args=(), atol=0.0):
    return Judge(mode, atol).ok(out, exp, list(args))


def test_exact_is_python_equality_as_in_evalplus():
    assert _ok("exact", 3, 3) and _ok("exact", True, 1) and _ok("exact", 2, 2.0)
    assert not _ok("exact", [1, 2], (1, 2)) and not _ok("exact", "1", 1)


def test_float_tolerance_rules():
    assert _ok("exact", 0.1 + 0.2, 0.3)  # 1e-6 for a float expected
    assert _ok("exact", [1.0000001, 2.0], [1.0, 2.0])
    assert not _ok("exact", 1, 1.5) and not _ok("exact", 1.00001, 1.0)
    assert not _ok("exact", (1.0,), [1.0])  # tolerance demands the same type
    assert not _ok("exact", [1.0], [1.0, 2.0])
    assert _ok("exact", 1.00005, 1.0, atol=1e-4) and not _ok("exact", 1.001, 1.0, atol=1e-4)
    assert not _ok("exact", float("nan"), float("nan"))


def test_the_tolerance_sticks_for_the_rest_of_a_suite_as_in_evalplus():
    judge = Judge("exact", 0.0)
    assert judge.ok(1.0, 1.0, [])
    assert judge.ok([1, 2.0000001], [1, 2.0], [])  # not floats-only, yet 1e-6 now applies
    assert not Judge("exact", 0.0).ok([1, 2.0000001], [1, 2.0], [])


def test_special_modes():
    assert _ok("set", [2, 1, 1], (1, 2)) and not _ok("set", [1], [1, 2])
    assert not _ok("set", [[1]], [[1]])  # unhashable: the comparison itself fails
    assert _ok("not_none", True, True) and not _ok("not_none", False, True)
    assert _ok("any", "whatever", 3)
    assert _ok("sum_div", 0, 7) and not _ok("sum_div", 1, 7)
    # Mbpp/558's padded reading: 123 vs 005 is 1 + 2 + 2.
    assert _ok("digit_distance", 5, 9, [123, 5]) and not _ok("digit_distance", 4, 9, [123, 5])
    assert _ok("poly_zero", 1.0, None, [[-1.0, 1.0]]) and not _ok("poly_zero", 2.0, None, [[-1, 1]])


def test_mutants_are_deterministic_single_point_edits():
    src = "def f(a, b):\n    if a < b and not a:\n        return a + 1\n    return b\n"
    first, again = mutants(src), mutants(src)
    assert [m.source for m in first] == [m.source for m in again]
    kinds = {m.kind for m in first}
    assert {"compare", "boolop", "not", "arith", "const+1", "const-1"} <= kinds
    assert all(m.source != src for m in first) and len(mutants(src, 3)) == 3


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.integers() | st.text(max_size=5) | st.booleans() | st.floats(-1e6, 1e6),
                    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner),
                    max_leaves=10), st.integers(0, 2**32))  # fmt: skip
def test_type_mutation_keeps_the_type(value, seed):
    assert type(mutate_value(value, random.Random(seed))) is type(value)


def test_proposals_are_deterministic_new_and_bounded():
    seeds = [[[1, 2, 3], "ab"], [[4], "c"]]
    a, b = propose(seeds, 20, seed=7), propose(seeds, 20, seed=7)
    assert a == b and len(a) == 20
    keys = {canonical(x) for x in a}
    assert len(keys) == 20 and not keys & {canonical(s) for s in seeds}


def test_contract_goes_first_in_the_function_body():
    src = "import math\n\ndef f(x):\n    '''doc'''\n    return x\n"
    out = with_contract(src, "f", '\n  assert isinstance(x, int), "invalid inputs"\n')
    assert "    assert isinstance(x, int)" in out
    ns: dict[str, object] = {}
    exec(out, ns)  # trusted: the test's own text
    with pytest.raises(AssertionError):
        ns["f"]("no")  # type: ignore[operator]


def test_mbpp_shapes_follow_evalplus():
    assert shape_inputs(2, [[[1], [2]]]) == [[(1,), (2,)]]
    assert shape_inputs(124, [["0", "1j"]]) == [[0.0, 1j]]
    assert shape_inputs(580, [[[1, [2]]]]) == [[(1, (2,))]]
    assert shape_inputs(3, [[5]]) == [[5]]


def test_literal_inputs_only_when_check_is_only_literal_calls():
    ok = "def check(candidate):\n    assert candidate([1, 2], 'a') == 3\n    assert candidate(1, 'b')\n"
    assert literal_inputs(ok) == [[[1, 2], "a"], [1, "b"]]
    for bad in [
        "def check(candidate):\n    for i in range(3):\n        assert candidate(i) == i\n",
        "def check(candidate):\n    x = 3\n    assert candidate(x) == 3\n",
        "def check(candidate):\n    assert helper(candidate)\n",
        "def check(candidate):\n    assert candidate(*[1]) == 1\n",
    ]:
        assert literal_inputs(bad) is None


def _task(tmp_path, verify_table: str, inputs: str | None = '{"base": [[1]]}'):
    root = tmp_path / f"t{len(list(tmp_path.iterdir()))}"
    for d in ("workspace", "tests", "solution"):
        (root / d).mkdir(parents=True, exist_ok=True)
    (root / "task.toml").write_text(f'id = "t"\ntitle = "t"\n\n[verify]\n{verify_table}')
    (root / "PROMPT.md").write_text("x")
    (root / "workspace/test_a.py").write_text("def test_a():\n    pass\n")
    (root / "solution/solution.py").write_text("def f(x):\n    return x\n")
    if inputs is not None:
        (root / "tests/inputs.json").write_text(inputs)
    return root


def test_task_format_is_validated(tmp_path):
    good = (
        'runner = "function"\npublic_tests = ["test_a.py"]\n[verify.function]\nentry_point = "f"\n'
    )
    assert load_task(_task(tmp_path, good)).spec.verify.function.time_factor == 4.0  # type: ignore[union-attr]
    bad_cases = {
        'runner = "function"\npublic_tests = ["test_a.py"]\n': "verify",
        good.replace('"f"', '"not an identifier"'): "verify.function.entry_point",
        good + 'compare = "fuzzy"\n': "verify.function.compare",
        good + "min_time_s = 0.1\n": "verify.function.min_time_s",
        good + "atol = -1\n": "verify.function.atol",
    }
    for table, field in bad_cases.items():
        with pytest.raises(InputError) as err:
            load_task(_task(tmp_path, table))
        assert any(p.field.startswith(field) for p in err.value.problems), table
    with pytest.raises(InputError, match=r"inputs\.json not found"):
        load_task(_task(tmp_path, good, inputs=None))


def test_inputs_file_errors_name_the_input(tmp_path):
    from assay.verify.function.data import read_inputs

    root = _task(tmp_path, "", inputs=json.dumps({"base": [[1], {"$": "nope", "v": 1}]}))
    with pytest.raises(InputError) as err:
        read_inputs(root / "tests/inputs.json")
    assert (
        err.value.problems[0].field in {"base.1", "base.1.list_type"}
        or "base" in err.value.problems[0].field
    )
