"""One small real run and one real viewer over it, shared by the viewer's test modules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import run_assay
from tests.support.rundir import make_run
from tests.support.viewer import Viewer, prepare, start, stop


@pytest.fixture(scope="session")
def small_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 9-attempt experiment (3 tasks × solo/auto/escalate, claims), run once."""
    return make_run(tmp_path_factory.mktemp("view-run"))


@pytest.fixture(scope="session")
def viewer(small_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Viewer]:
    """``assay view`` serving the finished run and its live copy (last attempt held back)."""
    root = tmp_path_factory.mktemp("view-root")
    held = prepare(small_run, root)
    server = start(root, held)
    yield server
    stop(server)


@pytest.fixture(scope="session")
def exported(small_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``assay view RUN --export DIR`` of the small run, once; returns DIR."""
    out = tmp_path_factory.mktemp("view-export") / "bundle"
    done = run_assay("view", str(small_run), "--export", str(out))
    assert done.returncode == 0, done.stderr
    return out
