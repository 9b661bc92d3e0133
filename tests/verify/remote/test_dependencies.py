"""A task's declared dependencies reach the candidate's sandbox, and numpy values cross.

pip installs from the wheel folder ``make dep-wheels`` fills (offline: ``--no-index``), into a
cache of this test session's own.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import textwrap
from pathlib import Path

import pytest

from assay.errors import InputError
from assay.tasks.load import load_task
from assay.verify.gate import verify

WHEELS = Path.home() / ".cache" / "assay" / "dep-wheels"

TOML = """
id = "np-norms"
title = "Row norms with numpy"
prompt = "PROMPT.md"
protected = ["test_*.py"]

[verify]
public_tests = ["test_norms.py"]
repeats = 1
timeout_s = 60
memory_mb = 2048
dependencies = {deps}
"""

SOLUTION = """
import numpy as np

def row_norms(rows):
    return np.sqrt((np.asarray(rows, dtype=float) ** 2).sum(axis=1))

def biggest(rows):
    return row_norms(rows).max()
"""

TESTS = """
import numpy as np
from norms import biggest, row_norms

def test_norms():
    got = row_norms([[3, 4], [6, 8]])
    assert type(got) is np.ndarray and got.dtype == np.float64
    np.testing.assert_allclose(got, [5.0, 10.0])

def test_biggest_is_a_numpy_scalar():
    got = biggest([[3, 4], [0, 1]])
    assert isinstance(got, np.floating) and got == 5.0
"""


def make_task(root: Path, deps: str) -> Path:
    for sub in ("workspace", "solution", "tests"):
        (root / sub).mkdir(parents=True)
    (root / "task.toml").write_text(TOML.format(deps=deps))
    (root / "PROMPT.md").write_text("Fix row_norms.\n")
    (root / "workspace" / "norms.py").write_text(SOLUTION.replace("** 2", "** 1"))
    (root / "workspace" / "test_norms.py").write_text(
        "from norms import row_norms\n\ndef test_shape():\n    assert len(row_norms([[1, 0]])) == 1\n"
    )
    (root / "solution" / "norms.py").write_text(SOLUTION)
    (root / "tests" / "test_norms_hidden.py").write_text(textwrap.dedent(TESTS))
    return root


@pytest.fixture
def offline_deps(tmp_path, monkeypatch):
    if not any(WHEELS.glob("numpy-*.whl")):
        pytest.skip("no numpy wheel here: run `make dep-wheels` (make test does)")
    monkeypatch.setenv("ASSAY_DEPS_FIND_LINKS", str(WHEELS))
    # The sandbox's uid must reach the cache: pytest's tmp_path sits in a root-only folder.
    cache = Path(tempfile.mkdtemp(prefix="assay-deps-test-"))
    os.chmod(cache, 0o755)
    monkeypatch.setenv("ASSAY_DEPS_CACHE", str(cache))
    yield cache
    shutil.rmtree(cache, ignore_errors=True)


def test_declared_numpy_is_importable_and_arrays_cross_by_value(tmp_path, offline_deps):
    task = load_task(make_task(tmp_path / "task", '["numpy==2.4.6"]'))
    ref = tmp_path / "ref"
    shutil.copytree(task.workspace, ref)
    shutil.copy(task.solution / "norms.py", ref / "norms.py")
    good = verify(task, ref)
    assert good.passed, good.failure_excerpt
    assert good.hidden.passed == good.hidden.total == 2
    assert not verify(task, task.workspace).passed
    built = list(offline_deps.iterdir())
    assert any((p / "numpy").is_dir() and (p / ".complete").exists() for p in built)


def test_without_the_declaration_the_candidate_has_only_the_standard_library(
    tmp_path, offline_deps
):
    task = make_task(tmp_path / "task", "[]")
    with pytest.raises(InputError, match="do not collect with the reference"):
        verify(load_task(task), task / "workspace")


def test_an_uninstallable_dependency_fails_closed_saying_why(tmp_path, offline_deps):
    task = load_task(make_task(tmp_path / "task", '["no-such-package-assay==1.0"]'))
    v = verify(task, task.workspace)
    assert not v.passed
    assert "pip could not install" in v.failure_excerpt


@pytest.mark.parametrize(
    "bad", ['["numpy @ https://example.com/x.whl"]', '["-e ."]', '["x; os_name==\\"nt\\""]']
)
def test_requirements_are_names_and_versions_only(tmp_path, bad):
    with pytest.raises(InputError, match="dependencies"):
        load_task(make_task(tmp_path / "task", bad))


def test_the_cache_is_keyed_and_reused(tmp_path, offline_deps):
    from assay.verify.deps import site_for

    first = site_for(["numpy==2.4.6"])
    assert first is not None and site_for(["numpy==2.4.6"]) == first
    assert os.stat(first).st_mode & 0o777 == 0o755
    assert site_for([]) is None


def test_a_function_task_gets_its_dependencies_too(tmp_path, offline_deps):
    import json as _json

    from assay.verify.deps import site_for
    from assay.verify.function.check import refresh_expected
    from assay.verify.function.executor import FunctionPool

    root = tmp_path / "np-fn"
    for sub in ("workspace", "tests", "solution"):
        (root / sub).mkdir(parents=True)
    (root / "task.toml").write_text(
        'id = "np-fn"\ntitle = "t"\nprotected = ["test_*.py"]\n\n[verify]\nrunner = "function"\n'
        'public_tests = ["test_solution.py"]\nrepeats = 1\ndependencies = ["numpy==2.4.6"]\n\n'
        '[verify.function]\nentry_point = "norm"\n'
    )
    (root / "PROMPT.md").write_text("Write it.\n")
    (root / "workspace/solution.py").write_text("def norm(xs):\n    raise NotImplementedError\n")
    (root / "workspace/test_solution.py").write_text("def test_nothing():\n    pass\n")
    reference = "import numpy as np\n\ndef norm(xs):\n    return float(np.linalg.norm(np.asarray(xs, dtype=float)))\n"
    (root / "solution/solution.py").write_text(reference)
    inputs = {"schema": "assay.function-inputs.v1", "base": [[[3, 4]], [[1, 2, 2]]], "plus": []}
    (root / "tests/inputs.json").write_text(_json.dumps(inputs))
    task = load_task(root)
    with FunctionPool(workers=1, deps=site_for(task.spec.verify.dependencies)) as pool:
        assert refresh_expected(task, pool) == ""
    expected = _json.loads((root / "tests/expected.json").read_text())
    assert len(expected["base"]) == 2  # the reference (importing numpy) answered every input
    ws = tmp_path / "ws"
    shutil.copytree(root / "workspace", ws)
    (ws / "solution.py").write_text(reference)
    v = verify(task, ws)
    assert v.passed, v.failure_excerpt
    (ws / "solution.py").write_text(
        "import numpy as np\n\ndef norm(xs):\n    return float(np.sum(xs))\n"
    )
    assert not verify(task, ws).passed  # numpy imports fine; the answer is just wrong
