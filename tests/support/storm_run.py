"""Helpers for runs against the fault-storm endpoint (``tests.support.fault_storm``)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from assay.records.attempt import EventRecord
from tests.conftest import REPO

STORM_MANIFEST = """
schema = "assay.manifest.v1"
name = "storm"
suites = ["repair"]
tasks = {tasks}
seeds = {seeds}

[[agents]]
id = "loop"
model = "openai:storm@http://127.0.0.1:{port}/v1"
config = {{ max_passes = 2, max_steps = 4, max_stale = 2 }}

[[conditions]]
id = "solo"

[concurrency]
attempts = 2

[timeouts]
call_s = {call_s}
attempt_s = {attempt_s}
"""


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_manifest(
    folder: Path,
    port: int,
    tasks: list[str],
    *,
    seeds: int = 1,
    call_s: float = 2.0,
    attempt_s: float = 600.0,
) -> Path:
    """A solo-condition manifest whose one agent talks to the storm on ``port``."""
    path = folder / "storm.toml"
    path.write_text(
        STORM_MANIFEST.format(
            tasks=json.dumps(tasks), seeds=seeds, port=port, call_s=call_s, attempt_s=attempt_s
        )
    )
    return path


@contextmanager
def storm(
    port: int, log: Path, *, mode: str = "storm", seed: int = 0, die_after: int = 0
) -> Iterator[subprocess.Popen[str]]:
    """Run the storm server as a real process until the block ends (or it dies by itself)."""
    args = [sys.executable, "-m", "tests.support.fault_storm", "--port", str(port)]
    args += ["--log", str(log), "--mode", mode, "--seed", str(seed)]
    args += ["--die-after", str(die_after)]
    proc = subprocess.Popen(args, cwd=REPO, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


def served(log: Path) -> list[dict[str, Any]]:
    """Every request the storm logged, in order."""
    if not log.exists():
        return []
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


def events(run: Path, rel: str) -> list[EventRecord]:
    """An attempt's events."""
    lines = (run / rel).read_text().splitlines()
    return [EventRecord.model_validate_json(line) for line in lines]
