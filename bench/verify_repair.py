"""Repair-task verification: assay's fork-server gate against a plain ``python -m pytest`` process.

For every bundled repair task, the reference solution is verified (one repeat each) by
  - plain:  ``python -m pytest -q`` in a folder holding workspace + solution + hidden tests,
            no sandbox and no anti-forgery (what a naive harness does);
  - cold:   assay's gate with a fresh sandboxed process per run;
  - forkserver: assay's gate through the fork servers.
Rounds are interleaved so machine noise hits every path alike; medians are reported.
Run: .venv/bin/python bench/verify_repair.py
"""

from __future__ import annotations

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

ROUNDS = 5


def plain_folder(task_root: Path, ws: Path, dest: Path) -> Path:
    """Workspace + solution + hidden tests side by side, as a naive harness lays them out."""
    shutil.copytree(ws, dest)
    for f in (task_root / "tests").glob("test_*.py"):
        shutil.copy(f, dest / f.name)
    return dest


def main() -> None:
    tasks = load_suite("repair")
    tmp = Path(tempfile.mkdtemp(prefix="assay-bench-"))
    try:
        refs = {t.id: reference_workspace(t, tmp / t.id / "ref") for t in tasks}
        plains = {t.id: plain_folder(t.root, refs[t.id], tmp / t.id / "plain") for t in tasks}
        for t in tasks:  # collection is cached per task; warm the fork servers too
            expected_tests(t)
            verify(t, refs[t.id], repeats=1, executor="forkserver")
        times: dict[str, list[float]] = {"plain": [], "cold": [], "forkserver": []}
        agree = True
        for _ in range(ROUNDS):
            for t in tasks:
                start = time.perf_counter()
                done = subprocess.run(
                    [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                    cwd=plains[t.id],
                    capture_output=True,
                    check=False,
                )
                times["plain"].append(time.perf_counter() - start)
                for ex in ("cold", "forkserver"):
                    start = time.perf_counter()
                    v = verify(t, refs[t.id], repeats=1, executor=ex)  # type: ignore[arg-type]
                    times[ex].append(time.perf_counter() - start)
                    agree &= v.passed == (done.returncode == 0)
        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        print(f"{len(tasks)} repair tasks x {ROUNDS} rounds, reference solutions, 1 repeat each")
        for k in ("plain", "cold", "forkserver"):
            print(f"  {k:<6}{med[k]:8.1f} ms per verification")
        print(
            f"  forkserver vs plain pytest process: {med['plain'] / med['forkserver']:.2f}x faster"
            f"  (target >= 2.5x)"
        )
        print(f"  forkserver vs cold gate:       {med['cold'] / med['forkserver']:.2f}x faster")
        print(f"  verdicts agree with plain pytest: {agree}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
