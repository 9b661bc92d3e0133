"""One local Ray cluster for the tests of the Ray executor, and small demo-shaped manifests.

Ray's start-up takes seconds, so the cluster is started once (module scope) in the test
process with two CPUs and two sandbox slots; every ``assay run --executor ray`` of the tests
connects to it by its GCS address (never ``auto``: other clusters may run on the machine).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "src" / "assay" / "runner" / "demo.toml"
GOLDEN = REPO / "tests" / "runner" / "demo_golden.json"


def start_cluster() -> Iterator[str]:
    """Start a 2-CPU Ray cluster here; yield its address; stop it."""
    import ray

    ctx = ray.init(
        num_cpus=2,
        resources={"assay_sandbox": 2},
        include_dashboard=False,
        # Loopback only: nothing of the cluster listens on or talks to another address.
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        yield str(ctx.address_info["gcs_address"])
    finally:
        ray.shutdown()


def small_manifest(folder: Path, tasks: list[str]) -> Path:
    """The demo manifest over ``tasks`` with one seed and no claims: its attempts are a
    subset of the demo's, so the golden fingerprint holds each of them."""
    text = DEMO.read_text(encoding="utf-8").split("# Pre-registered claims")[0]
    text = text.replace("seeds = 3", f"seeds = 1\ntasks = {json.dumps(tasks)}")
    text = text.replace('suites = ["repair"]', f'suites = ["{REPO}/src/assay/suites/repair"]')
    path = folder / "small.toml"
    path.write_text(text, encoding="utf-8")
    return path


def assay(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """The real command line (a generous limit: Ray's start-up and a loaded machine)."""
    return subprocess.run(
        [sys.executable, "-m", "assay.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def start_assay(*args: str, log: Path) -> subprocess.Popen[bytes]:
    """The command line in the background, its output in ``log``."""
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "assay.cli", *args],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def attempt_lines(run: Path) -> list[dict[str, Any]]:
    """Every committed line of ``attempts.jsonl`` (none yet: empty)."""
    path = run / "attempts.jsonl"
    if not path.exists():
        return []
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def wait_for(check: Any, *, tries: int, pause: float = 0.05) -> Any:
    """Call ``check`` until it returns something true, at most ``tries`` times."""
    for _ in range(tries):
        got = check()
        if got:
            return got
        time.sleep(pause)
    return None


def running_attempt_pids() -> list[int]:
    """Ray workers now running an attempt (Ray titles a busy worker ``ray::FUNCTION``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"ray::_on_worker"):
            pids.append(int(entry.name))
    return pids


def kill(pid: int) -> bool:
    """SIGKILL one process; False if it was already gone."""
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return False
    return True
