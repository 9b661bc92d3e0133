"""The Ray executor on a real local Ray cluster: the demo, a lost worker, a killed driver.

Every run here is the real ``assay run --executor ray`` connected to one module-wide
cluster. The demo's fingerprint must equal the golden one the local executor is held to
(tests/runner/test_demo_unchanged.py); the small runs are the demo's attempts over a few
tasks with one seed, so each attempt's fingerprint is also in the golden file.
"""

from __future__ import annotations

import json
import signal
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.runner.demo_fingerprint import fingerprint
from tests.support.ray_cluster import (
    GOLDEN,
    assay,
    attempt_lines,
    kill,
    running_attempt_pids,
    small_manifest,
    start_assay,
    start_cluster,
    wait_for,
)

pytest.importorskip("ray", reason="the ray executor's tests need the dist extra")

TASKS = ["add-months", "word-tally", "lru-cache"]
PLANNED = {f"{t}__loop__{c}__s1" for t in TASKS for c in ("solo", "auto", "escalate")}


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    yield from start_cluster()


def _golden() -> dict[str, object]:
    data: dict[str, object] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


def _same_as_golden(run: Path) -> None:
    got = json.loads(json.dumps(fingerprint(run), sort_keys=True))
    want = _golden()
    attempts = want["attempts"]
    assert isinstance(attempts, dict)
    differing = [k for k, v in got["attempts"].items() if attempts.get(k) != v]
    assert not differing, [(k, got["attempts"][k], attempts.get(k)) for k in differing]


def _once_each(run: Path) -> list[dict[str, object]]:
    lines = attempt_lines(run)
    counts = Counter(str(r["attempt_id"]) for r in lines)
    assert set(counts) == PLANNED, set(counts) ^ PLANNED
    assert max(counts.values()) == 1, counts
    return lines


# The demo's 108 attempts on two slots: minutes on a loaded machine (bounded by count).
@pytest.mark.timeout(1800)
def test_demo_on_ray_equals_the_golden_fingerprint(cluster: str, tmp_path: Path) -> None:
    out = tmp_path / "demo"
    done = assay(
        "run", "--out", str(out), "--quiet", "--no-preflight",
        "--executor", "ray", "--address", cluster,
        timeout=1700,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(json.dumps(fingerprint(out), sort_keys=True))
    want = _golden()
    assert got["attempts"] == want["attempts"]
    assert got["arms"] == want["arms"]
    assert got["claims"] == want["claims"]
    lines = attempt_lines(out)
    assert len(lines) == 108
    assert {r["ran_on"]["executor"] for r in lines} == {"ray"}
    assert {r["ran_on"]["lost_workers"] for r in lines} == {0}
    env = json.loads((out / "environment.json").read_text(encoding="utf-8"))
    assert {r["ran_on"]["isolation"] for r in lines} == {env["isolation"]["level"]}
    report = assay("report", str(out), "--out", str(tmp_path / "report"))
    assert report.returncode == 0, report.stderr[-2000:]


@pytest.mark.timeout(1200)
def test_a_killed_worker_is_retried_and_recorded_once(cluster: str, tmp_path: Path) -> None:
    manifest = small_manifest(tmp_path, TASKS)
    out = tmp_path / "run"
    proc = start_assay(
        "run", str(manifest), "--out", str(out), "--quiet", "--no-preflight",
        "--executor", "ray", "--address", cluster,
        log=tmp_path / "log",
    )  # fmt: skip
    try:
        # Polled by count (up to ~10 minutes of attempts), never bounded by a tight clock.
        victim = wait_for(running_attempt_pids, tries=12000)
        assert victim, "no Ray worker was seen running an attempt"
        assert kill(victim[0])
        assert proc.wait(timeout=900) == 0, (tmp_path / "log").read_text()[-3000:]
    finally:
        proc.kill()
    lines = _once_each(out)
    lost = [r for r in lines if r["ran_on"]["lost_workers"]]
    assert len(lost) == 1, [r["ran_on"] for r in lines]
    assert lost[0]["outcome"] != "fault"
    _same_as_golden(out)


@pytest.mark.timeout(1200)
def test_a_killed_driver_resumes_with_nothing_lost_nothing_twice(
    cluster: str, tmp_path: Path
) -> None:
    manifest = small_manifest(tmp_path, TASKS)
    out = tmp_path / "run"
    proc = start_assay(
        "run", str(manifest), "--out", str(out), "--quiet", "--no-preflight",
        "--executor", "ray", "--address", cluster,
        log=tmp_path / "log",
    )  # fmt: skip
    try:
        first = wait_for(lambda: attempt_lines(out), tries=12000)
        assert first, (tmp_path / "log").read_text()[-3000:]
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=120)
    finally:
        proc.kill()
    before = attempt_lines(out)
    assert 0 < len(before) < len(PLANNED), "the driver was killed too late to test a resume"
    # A plain resume: the executor is not part of the run, so this one runs locally.
    done = assay("run", "--resume", str(out), "--quiet")
    assert done.returncode == 0, done.stderr[-3000:]
    lines = _once_each(out)
    assert lines[: len(before)] == before
    assert all("ran_on" not in r for r in lines[len(before) :])
    _same_as_golden(out)
