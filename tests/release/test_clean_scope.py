"""``assay release clean`` acts on run directories only, and rewrites only assay's records.

Issue 19, item 10: pointed at a folder of scripts it rewrote ``cd "/home/u/data"`` into
``cd "~/data"`` in place, breaking the script, and exited 0.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_assay
from tests.support.rundir import copy_run, make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("scope"))


def _clean(folder: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    done = run_assay("release", "clean", str(folder), "--json", *extra)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout)


def test_a_folder_that_is_not_a_run_is_refused_untouched(tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    home_data = Path.home() / "data"
    script = scripts / "fetch.sh"
    script.write_text(f'#!/bin/sh\ncd "{home_data}"\n')
    (scripts / "__pycache__").mkdir()
    before = script.read_bytes()
    done = run_assay("release", "clean", str(scripts))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "not a run directory" in done.stderr and "fix:" in done.stderr
    assert "Traceback" not in done.stderr
    assert script.read_bytes() == before and (scripts / "__pycache__").is_dir()


def test_only_the_records_are_rewritten_and_every_change_is_named(
    run: Path, tmp_path: Path
) -> None:
    copy = copy_run(run, tmp_path / "run")
    home_data = Path.home() / "data"
    # A file the user keeps in the run directory: assay did not write it, so it stays as is.
    notes = copy / "notes" / "fetch.sh"
    notes.parent.mkdir()
    notes.write_text(f'#!/bin/sh\ncd "{home_data}"\n')
    # An event that mentions a home path: assay's own record, so the path is made relative.
    events = sorted((copy / "events").glob("*.jsonl"))[0]
    line = {**json.loads(events.read_text().splitlines()[0]), "seq": 10_000}
    line["data"] = {"note": f"{home_data}/x.csv"}
    with events.open("a") as fh:
        fh.write(json.dumps(line) + "\n")
    script_before = notes.read_bytes()
    code, report = _clean(copy)
    assert notes.read_bytes() == script_before
    rel = events.relative_to(copy).as_posix()
    assert report["rewritten"] == {rel: 1}
    assert "~/data/x.csv" in events.read_text()
    assert code == 1  # the script's path is still there, and is reported, not rewritten
    assert {(f["kind"], f["path"]) for f in report["findings"]} == {("home_path", "notes/fetch.sh")}
    assert report["skipped"] == ["notes/fetch.sh"]


def test_the_human_output_names_each_changed_file(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "run")
    summary = copy / "summary.csv"
    summary.write_text(summary.read_text() + f"# {copy.resolve()}/events\n")
    (copy / "inputs" / "__pycache__").mkdir(parents=True, exist_ok=True)
    done = run_assay("release", "clean", str(copy))
    assert done.returncode == 0, done.stdout
    assert "summary.csv: 1" in done.stdout and "inputs/__pycache__" in done.stdout


def test_a_report_folder_inside_a_run_is_part_of_the_run(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "run")
    assert run_assay("report", str(copy), "--out", str(copy / "report")).returncode == 0
    code, report = _clean(copy)
    assert code == 0, report["findings"]
    shutil.rmtree(copy / "report")
