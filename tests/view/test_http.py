"""The viewer over HTTP: JSON twins, DuckDB filters and pages, confinement, read-only, export."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from tests.conftest import run_assay
from tests.support.rundir import CLAIM_IDS, CONDITIONS, TASKS, pristine_folder
from tests.support.viewer import FINISHED, LIVE, Viewer, tree_digest

SECRET_FILE_TEXT = "outside-the-roots: must never be served"


def test_runs_endpoint_lists_both_runs_with_progress_and_integrity(viewer: Viewer) -> None:
    runs = {r["id"]: r for r in viewer.json("/api/runs")["runs"]}
    assert set(runs) == {FINISHED, LIVE}
    done = runs[FINISHED]
    assert (done["planned"], done["done"], done["finished"]) == (9, 9, True)
    assert done["name"] == "mini-report" and done["conditions"] == CONDITIONS
    assert sum(done["outcomes"].values()) == 9
    assert done["integrity"] == {
        "check": "manifest",
        "ok": True,
        "detail": "manifest.json hashes to manifest.sha256 (no artifacts.json to verify the rest)",
    }
    assert runs[LIVE]["planned"] == 9 and runs[LIVE]["done"] in (8, 9)


def test_run_endpoint_filters_and_pages_in_duckdb(viewer: Viewer) -> None:
    data = viewer.json(f"/api/run/{FINISHED}")
    listed = data["attempts"]
    assert listed["total"] == 9 and listed["pages"] == 1
    assert sorted(listed["choices"]["condition"]) == sorted(CONDITIONS)
    assert listed["choices"]["suite"] == ["repair"]
    auto = viewer.json(f"/api/run/{FINISHED}?condition=auto&seed=1")["attempts"]
    assert auto["total"] == 3 and {r["condition"] for r in auto["rows"]} == {"auto"}
    assert auto["filters"] == {"condition": "auto", "seed": "1"}
    one = viewer.json(f"/api/run/{FINISHED}?task={TASKS[0]}&suite=repair")["attempts"]
    assert {r["task_id"] for r in one["rows"]} == {TASKS[0]} and one["total"] == 3
    wins = viewer.json(f"/api/run/{FINISHED}?success=true")["attempts"]
    losses = viewer.json(f"/api/run/{FINISHED}?success=false")["attempts"]
    assert wins["total"] + losses["total"] == 9
    assert all(r["success"] for r in wins["rows"])
    bad = viewer.json(f"/api/run/{FINISHED}?seed=x&colour=red")["attempts"]
    assert bad["total"] == 9 and len(bad["problems"]) == 2
    assert {c["claim"]["id"] for c in data["claims"]["results"]} == set(CLAIM_IDS)
    kinds = {b["type"] for b in data["report"]}
    assert {"heading", "table", "figure"} <= kinds


def test_attempt_endpoint_has_timeline_diff_channels_and_raw_links(viewer: Viewer) -> None:
    rows = viewer.json(f"/api/run/{FINISHED}?condition=auto")["attempts"]["rows"]
    aid = rows[0]["attempt_id"]
    data = viewer.json(f"/api/run/{FINISHED}/attempt/{aid}")
    kinds = [i["kind"] for i in data["timeline"]]
    assert kinds[0] == "attempt_start" and kinds[-1] == "attempt_end"
    assert {"model_call", "tool_call", "verification"} <= set(kinds)
    assert data["channels"] and {c["score"] for c in data["channels"]} <= {
        "detection",
        "miss",
        "false_alarm",
        "correct_pass",
    }
    assert data["diff"].startswith(("---", "diff", "Index")) or "@@" in data["diff"]
    paths = {r["label"]: r["path"] for r in data["raw"]}
    status, body = viewer.get(f"/run/{FINISHED}/raw/{paths['events']}")
    assert status == 200 and body.decode().count("\n") == len(data["timeline"])


def test_compare_marks_flipped_tasks(viewer: Viewer) -> None:
    data = viewer.json(f"/api/compare?run={FINISHED}&run={LIVE}")
    assert len(data["columns"]) == 6 and {r["task"] for r in data["rows"]} == set(TASKS)
    for row in data["rows"]:
        known = [m for m in row["means"] if m is not None]
        assert row["flipped"] == (len({m > 0.5 for m in known}) == 2)
    assert viewer.get("/api/compare?metric=utility")[0] == 400
    assert viewer.get("/api/compare?run=nope")[0] == 404


HOSTILE = [
    "/run/{run}/raw/../../outside.txt",
    "/run/{run}/raw/%2e%2e/%2e%2e/outside.txt",
    "/run/{run}/raw/%2E%2E%2F%2E%2E%2Foutside.txt",
    "/run/{run}/raw/events/..%2f..%2f..%2foutside.txt",
    "/run/{run}/raw/%2F{abs}",
    "/run/{run}/raw//{abs}",
    "/run/{run}/raw/escape.txt",
    "/run/{run}/raw/fifo",
    "/run/{run}/raw/events",
    "/run/..%2f..%2f{abs}/raw/x",
    "/run/%2e%2e/raw/outside.txt",
    "/run/{run}/attempt/..%2f..%2foutside.txt",
    "/api/run/{run}/plot/..%2f..%2foutside.txt",
]


@pytest.fixture(scope="module")
def hostile_run(viewer: Viewer) -> str:
    """Plant an outside file, a symlink to it and one to a FIFO inside the live run."""
    outside = viewer.root.parent / "outside.txt"
    outside.write_text(SECRET_FILE_TEXT)
    live = viewer.root / LIVE
    (live / "escape.txt").symlink_to(outside)
    fifo = viewer.root.parent / "outside.fifo"
    os.mkfifo(fifo)
    # Opening the FIFO would block the server: a 404 proves it was never opened.
    (live / "fifo").symlink_to(fifo)
    return LIVE


@pytest.mark.parametrize("template", HOSTILE)
def test_hostile_urls_get_404_and_read_nothing(
    viewer: Viewer, hostile_run: str, template: str
) -> None:
    outside = str(viewer.root.parent / "outside.txt").lstrip("/")
    url = template.format(run=hostile_run, abs=outside)
    status, body = viewer.get(url)
    assert status == 404, (url, status)
    assert SECRET_FILE_TEXT.encode() not in body


def test_foreign_host_header_is_refused(viewer: Viewer) -> None:
    assert viewer.get("/api/runs", host="attacker.example")[0] == 400
    assert viewer.get("/api/runs", host=f"localhost:{viewer.port}")[0] == 200


def test_pages_hide_absolute_paths_and_write_nothing(viewer: Viewer) -> None:
    before = tree_digest(viewer.root / FINISHED)
    aid = viewer.json(f"/api/run/{FINISHED}")["attempts"]["rows"][0]["attempt_id"]
    # Concurrent readers of one run: one load, no lock taken, nothing written.
    pages = ["/", f"/run/{FINISHED}", f"/run/{FINISHED}/attempt/{aid}", f"/run/{FINISHED}/live"]
    bodies: list[bytes] = []

    def fetch(url: str) -> None:
        bodies.append(viewer.get(url)[1])

    threads = [threading.Thread(target=fetch, args=(u,)) for u in pages * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(bodies) == 8
    for body in bodies:
        text = body.decode()
        assert str(viewer.root) not in text and str(Path.home()) + "/" not in text
        assert str(pristine_folder()) not in text
    # Every byte, name and mode as before: the runner's own .lock file included, untouched.
    assert tree_digest(viewer.root / FINISHED) == before


def test_export_writes_a_static_bundle_and_refuses_a_run_dir(
    small_run: Path, exported: Path, tmp_path: Path
) -> None:
    out = exported
    index = (out / "index.html").read_text()
    assert 'href="run/run.html"' in index
    pages = sorted(p.name for p in (out / "run" / "run" / "attempt").glob("*.html"))
    assert len(pages) == 9
    events = list((out / "run" / "run" / "raw" / "events").glob("*.jsonl"))
    assert len(events) == 9 and all(json.loads(e.read_text().splitlines()[0]) for e in events)
    inside = run_assay("view", str(small_run), "--export", str(small_run / "bundle"))
    assert inside.returncode == 2 and "inside a run directory" in inside.stderr
    assert not (small_run / "bundle").exists()
    missing = run_assay("view", str(tmp_path / "nowhere"), "--export", str(tmp_path / "b"))
    assert missing.returncode == 2 and "not a folder" in missing.stderr
    assert "Traceback" not in missing.stderr + inside.stderr


def test_a_missing_extra_is_exit_2_naming_it(tmp_path: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; sys.modules['uvicorn'] = None; sys.argv = ['assay', 'view', sys.argv[1]];"
        " from assay.cli.app import main; main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 2, done.stderr
    assert "pip install 'assay[view]'" in done.stderr and "Traceback" not in done.stderr
