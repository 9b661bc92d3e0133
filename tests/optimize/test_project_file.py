"""The project file (``assay.optimize.v1``) and the scripted proposals file: bad input exits 2
naming the file and the field; fuzzed documents never give a traceback."""

from __future__ import annotations

import contextlib
import shutil
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from assay.errors import InputError
from assay.optimize.contract import read_harness
from assay.optimize.proposals import load_proposals
from assay.records.canonical import dumps
from assay.records.optimize import load_project
from assay.tasks.suite import BUNDLED_ROOT
from tests.conftest import REPO, run_assay
from tests.support.fuzz import FUZZ, mutated, to_toml

EXAMPLE = REPO / "src" / "assay" / "optimize" / "example"
BASE = tomllib.loads((EXAMPLE / "project.toml").read_text())
PROPOSALS = tomllib.loads((EXAMPLE / "proposals.toml").read_text())
KEYS = [
    "schema",
    "name",
    "harness.baseline",
    "harness.allowed_write_paths",
    "evaluation.model",
    "evaluation.config",
    "evaluation.condition",
    "evaluation.metric",
    "search.tasks",
    "search.seeds",
    "heldout.suite",
    "heldout.tasks",
    "heldout.margin",
    "selection.margin",
    "selection.min_n",
    "proposer.kind",
    "proposer.script",
    "proposer.timeout_s",
    "budget.iterations",
    "budget.usd",
]


def write(folder: Path, doc: dict[str, Any]) -> Path:
    path = folder / "project.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    return path


def test_a_bad_field_exits_2_naming_the_file_and_the_field(tmp_path: Path) -> None:
    doc = {**BASE, "search": {**BASE["search"], "seeds": 0}}
    done = run_assay("optimize", str(write(tmp_path, doc)), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "project.toml" in done.stderr and "search.seeds" in done.stderr
    assert "Traceback" not in done.stderr and not (tmp_path / "o").exists()


def test_search_and_heldout_must_be_disjoint(tmp_path: Path) -> None:
    doc = {**BASE, "heldout": {**BASE["heldout"], "tasks": ["deep-merge", "semver-order"]}}
    done = run_assay("optimize", str(write(tmp_path, doc)))
    assert done.returncode == 2
    assert "disjoint" in done.stderr and "deep-merge" in done.stderr


def test_a_bad_harness_config_names_its_file_and_field(tmp_path: Path) -> None:
    (tmp_path / "harness.toml").write_text("[agent]\nmax_passes = 0\nfly = true\n")
    harness = read_harness(tmp_path)
    try:
        harness.agent_config({}, str(tmp_path / "harness.toml"))
    except InputError as exc:
        text = str(exc)
        assert "harness.toml" in text and "max_passes" in text and "fly" in text
    else:
        raise AssertionError("a bad [agent] table was accepted")


def _load(path: Path) -> None:
    try:
        project = load_project(path)
        dumps(project)
        project.digest()
    except InputError:
        pass


@settings(FUZZ, max_examples=300)
@given(doc=mutated(BASE, KEYS))
def test_project_documents(tmp_path_factory, doc):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.getbasetemp() / "fuzz-project.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    _load(path)


@settings(FUZZ, max_examples=150)
@given(raw=st.binary(max_size=200))
def test_project_bytes(tmp_path_factory, raw):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.getbasetemp() / "fuzz-project-bytes.toml"
    path.write_bytes(raw)
    _load(path)


@settings(FUZZ, max_examples=200)
@given(doc=mutated(PROPOSALS, ["schema", "proposals", "proposals.0.write", "proposals.1"]))
def test_proposals_documents(tmp_path_factory, doc):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.getbasetemp() / "fuzz-proposals.toml"
    path.write_text(to_toml(doc), encoding="utf-8")
    with contextlib.suppress(InputError):
        load_proposals(path)


def test_a_script_that_collides_with_a_task_file_is_refused(tmp_path: Path) -> None:
    # A task whose workspace already holds scripts/hint.py, and a baseline that brings one.
    suite = tmp_path / "suite"
    for task in ("deep-merge", "lru-cache"):
        shutil.copytree(BUNDLED_ROOT / "repair" / task, suite / task)
    (suite / "deep-merge" / "workspace" / "scripts").mkdir()
    (suite / "deep-merge" / "workspace" / "scripts" / "hint.py").write_text("print('task')\n")
    shutil.copytree(EXAMPLE / "baseline", tmp_path / "baseline")
    (tmp_path / "baseline" / "scripts").mkdir()
    (tmp_path / "baseline" / "scripts" / "hint.py").write_text("print('harness')\n")
    doc = {
        **BASE,
        "harness": {**BASE["harness"], "baseline": "baseline"},
        "evaluation": {**BASE["evaluation"], "model": "scripted:builtin:repair-harness"},
        "search": {"suite": "suite", "tasks": ["deep-merge"]},
        "heldout": {"suite": "suite", "tasks": ["lru-cache"]},
        "proposer": {**BASE["proposer"], "script": str(EXAMPLE / "proposals.toml")},
    }
    done = run_assay("optimize", str(write(tmp_path, doc)), "--out", str(tmp_path / "o"))
    assert done.returncode == 2, done.stderr
    assert "scripts/hint.py" in done.stderr and "collides" in done.stderr
    assert "deep-merge" in done.stderr and "Traceback" not in done.stderr
    assert not list((tmp_path / "o").glob("candidates/*/evaluation/run"))


def test_bad_agent_proposer_settings_exit_2(tmp_path: Path) -> None:
    proposer = {"kind": "agent", "model": "scripted:p.json", "config": {"max_passes": 0}}
    doc = {**BASE, "proposer": proposer}
    (tmp_path / "baseline").mkdir()
    done = run_assay("optimize", str(write(tmp_path, doc)), "--out", str(tmp_path / "o"))
    assert done.returncode == 2
    assert "proposer.config" in done.stderr and "max_passes" in done.stderr
    assert "Traceback" not in done.stderr
