"""A run's identity: its tasks' files (item 3), suites found from anywhere (item 17), and
nothing created before everything is validated (item 13)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from assay.tasks.suite import BUNDLED_ROOT
from tests.conftest import REPO, run_assay
from tests.support.rundir import check_run_dir, manifest_text

SOLO = '[[conditions]]\nid = "solo"\n'


def _experiment(tmp_path: Path, tasks: list[str]) -> Path:
    """A manifest in ``tmp_path/exp`` naming its suite by a path relative to itself."""
    exp = tmp_path / "exp"
    for t in tasks:
        shutil.copytree(BUNDLED_ROOT / "repair" / t, exp / "suite" / t)
    m = exp / "m.toml"
    m.write_text(manifest_text(tasks).replace('suites = ["repair"]', 'suites = ["suite"]'))
    return m


def _drop_last_records(out: Path, n: int) -> None:
    """What a kill before the last ``n`` appends leaves behind."""
    attempts = out / "attempts.jsonl"
    lines = attempts.read_text().splitlines()
    attempts.write_text("".join(line + "\n" for line in lines[:-n]))


def test_resume_refuses_a_changed_task_naming_task_and_file(tmp_path):
    m = _experiment(tmp_path, ["window-sums"])
    out = tmp_path / "r"
    assert run_assay("run", str(m), "--out", str(out), "--quiet").returncode == 0
    recorded = json.loads((out / "tasks.json").read_text())
    assert recorded["schema"] == "assay.tasks.v1"
    assert "tests/test_windows_hidden.py" in recorded["tasks"][0]["files"]
    _drop_last_records(out, 1)
    hidden = m.parent / "suite" / "window-sums" / "tests" / "test_windows_hidden.py"
    original = hidden.read_text()
    hidden.write_text("def test_only_one():\n    assert True\n")
    done = run_assay("run", "--resume", str(out), "--quiet")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "task_changed" in done.stderr and "window-sums" in done.stderr
    assert "tests/test_windows_hidden.py" in done.stderr
    assert len((out / "attempts.jsonl").read_text().splitlines()) == 2  # nothing ran
    hidden.write_text(original)
    assert run_assay("run", "--resume", str(out), "--quiet").returncode == 0
    check_run_dir(out, 3)


def test_suites_resolve_from_the_manifest_and_resume_from_anywhere(tmp_path):
    m = _experiment(tmp_path, ["window-sums"])
    out = tmp_path / "r"
    # Started from the repository: the suite is found next to the manifest, not in the cwd.
    assert run_assay("run", str(m), "--out", str(out), "--quiet", cwd=REPO).returncode == 0
    _drop_last_records(out, 2)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = run_assay("run", "--resume", str(out), "--quiet", cwd=elsewhere)
    assert done.returncode == 0, done.stderr
    check_run_dir(out, 3)
    suites = json.loads((out / "tasks.json").read_text())["suites"]
    assert suites == [{"given": "suite", "folder": str((m.parent / "suite").resolve())}]


BAD = {
    "unknown suite": ('suites = ["repair"]', 'suites = ["no-such-suite"]'),
    "unknown task": ('tasks = ["window-sums"]', 'tasks = ["no-such-task"]'),
    "unknown provider": ("scripted:builtin:repair-demo", "nosuch:model"),
    "unknown builtin script": ("scripted:builtin:repair-demo", "scripted:builtin:nope"),
    "missing script file": ("scripted:builtin:repair-demo", "scripted:/no/such/file.json"),
    "unknown channel": ('"lint", "hazard-scan"]', '"lint", "telepathy"]'),
    "unknown agent config key": ("max_stale = 2", "max_stale = 2, wings = 3"),
    "unknown agent CLI": ('id = "loop"\n', 'id = "loop"\nkind = "cli:nosuch"\n'),
    "unknown review script": ("scripted:builtin:repair-review", "scripted:builtin:nope"),
    "review without a model": ('model = "scripted:builtin:repair-review"', 'kind = "llm"'),
    "unknown escalation channel": ('escalate_to = "review"', 'escalate_to = "oracle"'),
    "no seeds": ("seeds = 1", "seeds = 0"),
    "claim arm": (
        "",
        '[[claims]]\nid = "c"\nmetric = "success"\ntreatment = "x"\ncontrol = "solo"\n',
    ),
    "claim metric": (
        "",
        '[[claims]]\nid = "c"\nmetric = "vibes"\ntreatment = "auto"\ncontrol = "solo"\n',
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_creates_nothing(tmp_path, case):
    old, new = BAD[case]
    text = manifest_text(["window-sums"])
    text = text + new if old == "" else text.replace(old, new)
    assert text != manifest_text(["window-sums"])
    m = tmp_path / "m.toml"
    m.write_text(text)
    out = tmp_path / "r"
    done = run_assay("run", str(m), "--out", str(out), "--quiet")
    assert done.returncode == 2, (case, done.stderr)
    assert "Traceback" not in done.stderr and "fix:" in done.stderr
    assert not out.exists(), sorted(p.name for p in out.iterdir())


def test_a_fixed_manifest_runs_into_the_same_folder(tmp_path):
    m = tmp_path / "m.toml"
    m.write_text(manifest_text(["window-sums"]).replace('"lint", "hazard-scan"]', '"lnt"]'))
    out = tmp_path / "r"
    assert run_assay("run", str(m), "--out", str(out), "--quiet").returncode == 2
    m.write_text(manifest_text(["window-sums"]))
    done = run_assay("run", str(m), "--out", str(out), "--quiet")
    assert done.returncode == 0, done.stderr
    check_run_dir(out, 3)
