"""Faults that are the infrastructure's are retried on request (issue 19 item 4).

An endpoint outage for real: the model's URL has nobody listening, so every call is refused
until the retry budget runs out. ``--retry-faults`` re-runs those attempts once the
endpoint (``assay serve``) is up, as a new try of the same attempt; the old record stays in
``attempts.jsonl`` as history and is never counted twice.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

from assay.results.runs import load_run
from assay.store.rundir import RunDir
from tests.conftest import REPO, run_assay

SCRIPT = """
schema = "assay.script.v1"
on_exhausted = "repeat_last"

[[tasks."*"]]
action = { finish = "Nothing to change." }
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _manifest(tmp_path: Path, port: int) -> Path:
    m = tmp_path / "m.toml"
    m.write_text(
        f"""
name = "outage"
suites = ["repair"]
tasks = ["window-sums"]
seeds = 2

[[agents]]
id = "loop"
model = "openai:scripted@http://127.0.0.1:{port}/v1"
config = {{ max_passes = 1, max_steps = 4 }}

[[conditions]]
id = "solo"
"""
    )
    return m


def test_outage_faults_are_infrastructure_and_retry_faults_reruns_them(tmp_path):
    port = _free_port()
    out = tmp_path / "r"
    done = run_assay(
        "run", str(_manifest(tmp_path, port)), "--out", str(out), "--quiet", "--no-preflight"
    )
    # Every attempt faulted, so none could finish: exit 1 (the fault outcome's code).
    assert done.returncode == 1, done.stderr
    assert "fault=2" in done.stderr
    first = RunDir.open(out).latest()
    assert {r.outcome for r in first.values()} == {"fault"}
    assert {r.fault_class for r in first.values()} == {"infrastructure"}
    # A plain resume keeps them: a fault is an outcome until the user asks for a retry.
    assert run_assay("run", "--resume", str(out), "--quiet").returncode == 1
    assert len((out / "attempts.jsonl").read_text().splitlines()) == 2
    script = tmp_path / "script.toml"
    script.write_text(SCRIPT)
    server = subprocess.Popen(
        [sys.executable, "-m", "assay.cli", "serve", "--script", str(script), "--port", str(port)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        server.stdout.readline()  # it prints its address once it listens
        done = run_assay("run", "--resume", str(out), "--retry-faults", "--quiet")
        assert done.returncode == 0, done.stderr
    finally:
        server.terminate()
        server.wait(timeout=60)
    lines = [json.loads(x) for x in (out / "attempts.jsonl").read_text().splitlines()]
    assert [line["try"] for line in lines] == [1, 1, 2, 2]
    latest = load_run(out).records
    assert len(latest) == 2 and all(r.outcome != "fault" and r.try_ == 2 for r in latest)
    for r in latest:  # the second try has its own events; the first try's are kept
        assert r.events.endswith(".try2.jsonl") and (out / r.events).is_file()
        assert (out / "events" / f"{r.attempt_id}.jsonl").is_file()
    # Retrying again has nothing to do: real outcomes are never re-rolled.
    assert run_assay("run", "--resume", str(out), "--retry-faults", "--quiet").returncode == 0
    assert len((out / "attempts.jsonl").read_text().splitlines()) == 4


def test_old_records_without_the_new_fields_still_load():
    from assay.records.attempt import AttemptRecord

    old = {
        "schema": "assay.attempt.v1",
        "attempt_id": "t__a__c__s1",
        "task_id": "t",
        "agent_id": "a",
        "model": "m",
        "condition": "c",
        "seed": 1,
        "outcome": "fault",
        "fault": "model fault (exhausted HTTP 503, 4 attempt(s)): down",
        "events": "events/t__a__c__s1.jsonl",
        "diff": "diffs/t__a__c__s1.patch",
        "started_at": "2026-01-01T00:00:00+00:00",
        "finished_at": "2026-01-01T00:00:00+00:00",
    }
    record = AttemptRecord.model_validate(old)
    assert record.try_ == 1 and record.fault_class == "infrastructure"
    refused = {**old, "fault": "model fault (permanent HTTP 400, 1 attempt(s)): bad request"}
    assert AttemptRecord.model_validate(refused).fault_class == "model"
