"""One small real run shared by every interop test (``assay run`` once per session).

Two repair tasks × the demo's three conditions × two seeds (12 attempts, scripted model,
the real gate): seeds make Inspect epochs, and the conditions differ in success.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_assay
from tests.support.rundir import CLAIMS, manifest_text

TASKS = ["window-sums", "lru-cache"]
SEEDS = 2
ATTEMPTS = len(TASKS) * 3 * SEEDS


@pytest.fixture(scope="session")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished run directory; tests that change a run work on a copy of it."""
    folder = tmp_path_factory.mktemp("interop")
    manifest = folder / "interop.toml"
    manifest.write_text(manifest_text(TASKS, seeds=SEEDS, attempts=3) + CLAIMS)
    out = folder / "run"
    done = run_assay("run", str(manifest), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert len((out / "attempts.jsonl").read_text().splitlines()) == ATTEMPTS
    return out


def in_progress(run: Path, dest: Path, keep: int) -> Path:
    """A copy of ``run`` as it was mid-run: ``keep`` records, then half of the next line."""
    import shutil

    shutil.copytree(run, dest)
    lines = (run / "attempts.jsonl").read_text().splitlines(keepends=True)
    cut = lines[keep][: len(lines[keep]) // 2]
    (dest / "attempts.jsonl").write_text("".join(lines[:keep]) + cut)
    return dest


@pytest.fixture(scope="session")
def inspect_logs(finished_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The finished run exported by the real CLI as Inspect logs (once per session)."""
    from tests.interop.inspect_env import export_inspect, require_inspect_venv

    require_inspect_venv()
    out = tmp_path_factory.mktemp("inspect") / "logs"
    done = export_inspect(finished_run, out)
    assert done.returncode == 0, done.stderr
    return out
