"""One small real run for the judge's tests: 2 tasks × 2 conditions, scripted agent, real gate.

Made once per session (``assay run`` as a subprocess, about 10 s); tests judge private
copies of it. ``judge_script`` writes a scripted judge (``assay.script.v1``) whose reply per
task gives every dimension of solution A and of solution B one fixed score.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from assay.judge import load_rubric
from tests.conftest import run_assay

TASKS = ["window-sums", "lru-cache"]
CONDITIONS = ["solo", "auto"]

MANIFEST = f"""
schema = "assay.manifest.v1"
name = "judge-mini"
suites = ["repair"]
tasks = {json.dumps(TASKS)}
seeds = 1

[[agents]]
id = "loop"
model = "scripted:builtin:repair-demo"
config = {{ max_passes = 3, max_steps = 12, max_stale = 2 }}

[[conditions]]
id = "solo"

[[conditions]]
id = "auto"
channels = ["public-tests", "lint", "hazard-scan"]
max_retries = 1

[concurrency]
attempts = 2
"""


@pytest.fixture(scope="session")
def judge_base_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("judge-run")
    (folder / "mini.toml").write_text(MANIFEST)
    out = folder / "run"
    done = run_assay("run", str(folder / "mini.toml"), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    assert len((out / "attempts.jsonl").read_text().splitlines()) == len(TASKS) * len(CONDITIONS)
    return out


@pytest.fixture
def judged_copy(judge_base_run: Path, tmp_path: Path) -> Path:
    """A private copy of the run (judging writes into it)."""
    dest = tmp_path / "run"
    shutil.copytree(judge_base_run, dest)
    return dest


def reply_text(a: float, b: float, reason: str = "plain reason") -> str:
    """A well-formed judgment: every dimension of A scored ``a``, of B scored ``b``."""
    rubric = load_rubric()
    side = {d.id: {"reason": reason, "score": a} for d in rubric.dimensions}
    other = {d.id: {"reason": reason, "score": b} for d in rubric.dimensions}
    return json.dumps({"A": side, "B": other})


@pytest.fixture
def judge_script(tmp_path: Path) -> Callable[..., str]:
    def write(name: str, per_task: dict[str, str]) -> str:
        script = {
            "schema": "assay.script.v1",
            "model": name,
            "on_exhausted": "repeat_last",
            "tasks": {task: [{"text": text}] for task, text in per_task.items()},
        }
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(script))
        return f"scripted:{path}"

    return write
