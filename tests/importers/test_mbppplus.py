"""``assay import mbppplus``: the raw MBPP+ release becomes tasks; references are checked."""

from __future__ import annotations

import json

import pytest

from assay.errors import InputError
from assay.importers.mbppplus import import_mbppplus
from assay.tasks.load import load_task
from assay.tasks.suite import load_suite
from assay.verify.function.check import check_function_task
from tests.conftest import run_assay
from tests.support.function import MBPPPLUS, fn_pool, mbppplus_dir

__all__ = ["fn_pool", "mbppplus_dir"]


def test_full_import(mbppplus_dir):
    tasks = load_suite(mbppplus_dir)
    assert len(tasks) == 427
    assert all(t.spec.tags == ["mbppplus", "function-level"] for t in tasks)
    assert len({t.id for t in tasks}) == 427


def _failures(results):
    return {r.task_id: r.problem for r in results if not r.ok}


def test_a_sample_of_50_references_pass_on_the_function_runner(mbppplus_dir, fn_pool):
    tasks = load_suite(mbppplus_dir)[::8][:50]
    assert len(tasks) == 50
    results = [check_function_task(t, fn_pool) for t in tasks]
    assert all(r.verifier == "function" for r in results)
    assert _failures(results) == {}


def test_every_reference_passes(mbppplus_dir, fn_pool):
    results = [check_function_task(t, fn_pool) for t in load_suite(mbppplus_dir)]
    assert len(results) == 427
    assert _failures(results) == {}


def test_base_and_plus_inputs(mbppplus_dir):
    task = load_task(mbppplus_dir / "mbppplus-2")
    data = json.loads((task.hidden_dir / "inputs.json").read_text())
    assert len(data["base"]) == 3 and 1 <= len(data["plus"]) <= 30
    # EvalPlus passes Mbpp/2's arguments as tuples: so does the task.
    assert data["base"][0][0] == {"$": "tuple", "v": [3, 4, 5, 6]}
    assert task.spec.verify.function is not None
    assert task.spec.verify.function.compare == "set"
    assert (task.hidden_dir / "expected.json").is_file()
    assert not (task.hidden_dir / "test_hidden.py").exists()


def test_generated_tests(mbppplus_dir):
    task = load_task(mbppplus_dir / "mbppplus-2")
    stub = (task.workspace / "solution.py").read_text()
    assert stub.startswith("def similar_elements(test_tup1, test_tup2):\n")
    assert "shared elements" in stub and "raise NotImplementedError" in stub
    public = (task.workspace / "test_solution.py").read_text()
    assert "assert set(similar_elements((3, 4, 5, 6),(5, 7, 4, 10))) == set((4, 5))" in public


def test_names_the_public_test_needs_are_bound(mbppplus_dir):
    # The original MBPP ran tests in the solution's namespace: `sys` came from the solution.
    assert "import sys\n" in (mbppplus_dir / "mbppplus-596/workspace/test_solution.py").read_text()
    # A function called test_* would be collected by pytest: it is imported under an alias.
    public = (mbppplus_dir / "mbppplus-19/workspace/test_solution.py").read_text()
    assert "from solution import test_duplicate as _solution_test_duplicate" in public


def test_a_wrong_original_example_is_replaced(mbppplus_dir):
    task = load_task(mbppplus_dir / "mbppplus-83")
    assert "wrong-mbpp-example" in {h.id for h in task.spec.hazards}
    public = (task.workspace / "test_solution.py").read_text()
    assert 'get_Char("abc") == "f"' not in public and "def test_example_1" in public


def test_malformed_records_name_file_line_and_field(tmp_path, fn_pool):
    rows = [json.loads(line) for line in MBPPPLUS.read_text().splitlines()[:4]]
    rows[1]["test_list"] = "assert x"
    rows[2]["assertion"] = "print('no assert')"
    del rows[3]["canonical_solution"]
    src = tmp_path / "bad.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows))
    with pytest.raises(InputError) as err:
        import_mbppplus(src, tmp_path / "out", fn_pool)
    fields = {p.field for p in err.value.problems}
    assert {"line 2: test_list", "line 3: assertion", "line 4: canonical_solution"} <= fields
    assert all(p.file == str(src) for p in err.value.problems)


def test_cli_import(tmp_path):
    src = tmp_path / "two.jsonl"
    src.write_text("\n".join(MBPPPLUS.read_text().splitlines()[:2]) + "\n")
    done = run_assay("import", "mbppplus", str(src), "--out", str(tmp_path / "suite"), "--json")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert [t["id"] for t in report["tasks"]] == ["mbppplus-2", "mbppplus-3"]
    missing = run_assay("import", "mbppplus", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path))
    assert missing.returncode == 2 and "file not found" in missing.stderr


def test_a_plus_input_field_is_used_first(tmp_path, fn_pool):
    row = json.loads(MBPPPLUS.read_text().splitlines()[0])  # Mbpp/2, tuple arguments
    row["plus_input"] = [[[100, 200], [200, 300]]]
    src = tmp_path / "official.jsonl"
    src.write_text(json.dumps(row) + "\n")
    report = import_mbppplus(src, tmp_path / "out", fn_pool, plus_count=5)
    assert report.tasks[0].plus_inputs == 5 and report.tasks[0].problem == ""
    data = json.loads((tmp_path / "out/mbppplus-2/tests/inputs.json").read_text())
    tup = {"$": "tuple", "v": [100, 200]}, {"$": "tuple", "v": [200, 300]}
    assert data["plus"][0] == list(tup)
    none = import_mbppplus(src, tmp_path / "none", fn_pool, plus_count=0)
    assert none.tasks[0].plus_inputs == 0
