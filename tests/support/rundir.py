"""A small real experiment for the report, release and query tests: 3 tasks × 3 conditions.

It runs once per test session (``assay run`` as a subprocess, scripted model, the real
gate); each test module works on its own copy of the run directory.
"""

from __future__ import annotations

import atexit
import json
import shutil
import tempfile
from pathlib import Path

from assay.records.attempt import AttemptRecord, EventRecord
from tests.conftest import run_assay

TASKS = ["window-sums", "lru-cache", "money-rounding"]
CONDITIONS = ["solo", "auto", "escalate"]
CLAIM_IDS = ["escalate-beats-solo", "auto-cheaper-than-escalate"]

MANIFEST = """
schema = "assay.manifest.v1"
name = "mini-report"
suites = ["repair"]
tasks = {tasks}
seeds = {seeds}

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

[[conditions]]
id = "escalate"
channels = ["public-tests", "hazard-scan"]
max_retries = 1
escalate_to = "review"
escalate_when = ["hazard", "repeated_failure", "always"]

[review]
model = "scripted:builtin:repair-review"

[costs]
public-tests = 0.5
lint = 0.1
hazard-scan = 0.1
review = 10.0

[concurrency]
attempts = {attempts}
"""
"""A small experiment over the demo's three conditions (the runner's tests use it too)."""

CLAIMS = """
[[claims]]
id = "escalate-beats-solo"
metric = "success"
treatment = "escalate"
control = "solo"
min_n = 3

[[claims]]
id = "auto-cheaper-than-escalate"
metric = "oversight_cost"
treatment = "loop/auto"
control = "loop/escalate"
direction = "less"
bounds = [0.0, 100.0]
min_n = 3
"""


def manifest_text(tasks: list[str], *, seeds: int = 1, attempts: int = 2) -> str:
    """The small experiment's manifest for ``tasks``."""
    return MANIFEST.format(tasks=json.dumps(tasks), seeds=seeds, attempts=attempts)


_pristine: list[Path] = []
"""The one real run of the small experiment in this test session (run on first use)."""


def _pristine_run() -> Path:
    if not _pristine:
        folder = Path(tempfile.mkdtemp(prefix="assay-mini-run-"))
        atexit.register(shutil.rmtree, folder, True)
        manifest = folder / "mini.toml"
        manifest.write_text(manifest_text(TASKS, attempts=3) + CLAIMS)
        out = folder / "run"
        done = run_assay("run", str(manifest), "--out", str(out), "--quiet")
        assert done.returncode == 0, done.stderr
        lines = (out / "attempts.jsonl").read_text().splitlines()
        assert len(lines) == len(TASKS) * len(CONDITIONS)
        _pristine.append(out)
    return _pristine[0]


def pristine_folder() -> Path:
    """The folder the session's one real run was made in (its paths must not leak either)."""
    return _pristine_run().parent


def make_run(folder: Path) -> Path:
    """A private copy of the small experiment's run at ``folder/run`` (with its manifest).

    The experiment runs once per test session (its scripted model and gate are
    deterministic); every module gets its own copy, so none sees another's changes.
    """
    folder.mkdir(parents=True, exist_ok=True)
    pristine = _pristine_run()
    shutil.copyfile(pristine.parent / "mini.toml", folder / "mini.toml")
    return copy_run(pristine, folder / "run")


def copy_run(run: Path, dest: Path) -> Path:
    """A private copy of a run directory (tests that modify a run work on one)."""
    shutil.copytree(run, dest)
    return dest


def check_run_dir(root: Path, expected: int) -> list[AttemptRecord]:
    """Every attempt recorded once, its events numbered and framed, its diff present."""
    lines = (root / "attempts.jsonl").read_text().splitlines()
    records = [AttemptRecord.model_validate(json.loads(line)) for line in lines]
    ids = [r.attempt_id for r in records]
    assert len(ids) == len(set(ids)) == expected, ids
    for r in records:
        events = (root / r.events).read_text().splitlines()
        parsed = [EventRecord.model_validate(json.loads(e)) for e in events]
        assert [e.seq for e in parsed] == list(range(1, len(parsed) + 1))
        assert parsed[0].kind == "attempt_start" and parsed[-1].kind == "attempt_end"
        assert (root / r.diff).is_file()
        for line in events + lines:
            assert "NaN" not in line and str(Path.home()) + "/" not in line
    return records
