"""Repair-task verification: the two-process gate against plain pytest (and an older gate).

For every bundled repair task, the reference solution is verified (one repeat each) by
  - plain:    ``python -m pytest -q`` in a folder holding workspace + solution + hidden tests,
              no sandbox, candidate and tests in one process (what a naive harness does);
  - gate:     assay's gate: tests in a trusted process, the candidate in its own sandbox;
  - previous: (with ``--previous DIR``) the gate of another assay checkout with its own
              ``.venv``, driven from a long-lived process so its warm paths stay warm — e.g.
              the in-process fork-server gate of commit 0f0ce58 (target: gate <= 2x it).
Rounds are interleaved so machine noise hits every path alike; medians are reported.
Run: .venv/bin/python bench/verify_repair.py [--rounds 5] [--previous ../wt-old]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assay.tasks.check import reference_workspace
from assay.tasks.suite import load_suite
from assay.verify.gate import expected_tests, verify

DRIVER = """
import json, sys, time
from pathlib import Path
from assay.tasks.suite import load_suite
from assay.verify.gate import expected_tests, verify
refs = json.loads(sys.argv[1])
tasks = load_suite("repair")
for t in tasks:
    expected_tests(t)
    verify(t, refs[t.id], repeats=1)
print("ready", flush=True)
for _ in sys.stdin:
    out = {}
    for t in tasks:
        start = time.perf_counter()
        v = verify(t, refs[t.id], repeats=1)
        out[t.id] = [time.perf_counter() - start, v.passed]
    print(json.dumps(out), flush=True)
"""


def plain_folder(task_root: Path, ws: Path, dest: Path) -> Path:
    """Workspace + solution + hidden tests side by side, as a naive harness lays them out."""
    shutil.copytree(ws, dest)
    for f in (task_root / "tests").glob("test_*.py"):
        shutil.copy(f, dest / f.name)
    return dest


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--previous", type=Path, help="another assay checkout with a .venv")
    args = parser.parse_args()
    tasks = load_suite("repair")
    tmp = Path(tempfile.mkdtemp(prefix="assay-bench-"))
    driver = None
    try:
        refs = {t.id: reference_workspace(t, tmp / t.id / "ref") for t in tasks}
        plains = {t.id: plain_folder(t.root, refs[t.id], tmp / t.id / "plain") for t in tasks}
        for t in tasks:  # collection is cached per task; warm the servers too
            expected_tests(t)
            verify(t, refs[t.id], repeats=1)
        if args.previous:
            driver = subprocess.Popen(
                [str(args.previous / ".venv/bin/python"), "-c", DRIVER,
                 json.dumps({k: str(v) for k, v in refs.items()})],
                cwd=args.previous, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert driver.stdout is not None and driver.stdout.readline().strip() == "ready"
        times: dict[str, list[float]] = {"plain": [], "gate": [], "previous": []}
        agree = True
        for _ in range(args.rounds):
            for t in tasks:
                start = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                    cwd=plains[t.id],
                    capture_output=True,
                    check=False,
                )
                times["plain"].append(time.perf_counter() - start)
                start = time.perf_counter()
                v = verify(t, refs[t.id], repeats=1)
                times["gate"].append(time.perf_counter() - start)
                agree &= v.passed == (done.returncode == 0)
            if driver is not None:
                assert driver.stdin is not None and driver.stdout is not None
                driver.stdin.write("go\n")
                driver.stdin.flush()
                for took, passed in json.loads(driver.stdout.readline()).values():
                    times["previous"].append(took)
                    agree &= passed
        med = {k: statistics.median(v) * 1000 for k, v in times.items() if v}
        print(f"{len(tasks)} repair tasks x {args.rounds} rounds, reference solutions, 1 repeat")
        for k, ms in med.items():
            print(f"  {k:<9}{ms:8.1f} ms per verification")
        print(f"  gate vs plain pytest process: {med['plain'] / med['gate']:.2f}x faster")
        if "previous" in med:
            print(
                f"  gate vs previous gate: {med['gate'] / med['previous']:.2f}x its time"
                "  (target <= 2.0x)"
            )
        print(f"  every verdict passed, as plain pytest's did: {agree}")
    finally:
        if driver is not None:
            driver.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
