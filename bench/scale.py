"""Run directories at scale: `assay report`, `claims` and `query` against a DuckDB scan floor.

Builds (once, cached under ``--work``) an N-attempt run directory from a finished source run
with ``bench/synth_run.py``, then runs each command as a subprocess and reads its CPU time
and peak resident memory from ``os.wait4`` (the child's own rusage). The floor is DuckDB
alone, in a fresh interpreter, doing the query's aggregation over ``attempts.jsonl`` of the
same run. ``--before PATH`` times another ``assay`` executable side by side on the same run
(e.g. main's, ``/work/main/.venv/bin/assay``), so machine load hits both alike.

Run: .venv/bin/python bench/scale.py --source /tmp/demo-src [--n 100000] [--rounds 1]
(``--source``: a finished run, e.g. ``.venv/bin/assay run --out /tmp/demo-src``.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth_run import build, disk_bytes

SQL = "select condition, count(*), avg(shipped_success::int) from attempts group by 1"
FLOOR = """
import sys, duckdb
con = duckdb.connect()
print(con.sql(
    "select condition, count(*), avg(shipped_success::int) from read_json(?, format="
    "'newline_delimited', columns={condition: 'VARCHAR', shipped_success: 'BOOLEAN'})"
    " group by 1", params=[sys.argv[1]]).fetchall())
"""


@dataclass(frozen=True)
class Timing:
    """One subprocess: wall seconds, CPU seconds (user + system), peak RSS in MiB."""

    wall: float
    cpu: float
    rss_mib: float


def timed(cmd: list[str]) -> Timing:
    """Run ``cmd`` to its end; its own rusage (not every child's since we started)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{' '.join(cmd[:3])} failed:\n{err[-2000:]}")
    return Timing(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def commands(assay: str, run: Path, out: Path) -> dict[str, list[str]]:
    """The three commands measured, for one ``assay`` executable."""
    return {
        "report": [assay, "report", str(run), "--out", str(out)],
        "claims": [assay, "claims", str(run)],
        "query": [assay, "query", SQL, "--run", str(run)],
    }


def main() -> int:
    """Build (or reuse) the run, time everything ``--rounds`` times, print medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="a finished run directory")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--assay", default=str(Path(sys.executable).parent / "assay"))
    parser.add_argument("--before", default=None, help="another assay executable to compare")
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    run = args.work / f"assay-scale-{args.n}"
    if not (run / "manifest.sha256").is_file():
        shutil.rmtree(run, ignore_errors=True)
        t0 = time.perf_counter()
        count = build(args.source, run, args.n)
        print(f"built {count} attempts in {time.perf_counter() - t0:.1f} s")
    lines = sum(1 for _ in (run / "attempts.jsonl").open("rb"))
    print(f"run: {run} ({lines} attempts, {disk_bytes(run) / 2**20:.0f} MiB on disk)", flush=True)
    floor_cmd = [sys.executable, "-c", FLOOR, str(run / "attempts.jsonl")]
    versions = {"now": args.assay} | ({"before": args.before} if args.before else {})
    samples: dict[str, list[Timing]] = {}

    def sample(name: str, cmd: list[str]) -> None:
        t = timed(cmd)
        samples.setdefault(name, []).append(t)
        print(f"  {name}: {t.wall:.2f} s wall, {t.cpu:.2f} s CPU, {t.rss_mib:.0f} MiB", flush=True)

    with tempfile.TemporaryDirectory(prefix="assay-scale-out-") as tmp:
        for _ in range(args.rounds):  # interleaved: load hits every command alike
            sample("duckdb floor", floor_cmd)
            for tag, exe in versions.items():
                for name, cmd in commands(exe, run, Path(tmp) / tag).items():
                    sample(f"{name} ({tag})", cmd)
    floor = statistics.median(t.cpu for t in samples["duckdb floor"])
    print(f"{'command':<18}{'wall s':>9}{'CPU s':>9}{'peak MiB':>10}{'CPU / floor':>13}")
    for name, ts in samples.items():
        wall = statistics.median(t.wall for t in ts)
        cpu = statistics.median(t.cpu for t in ts)
        rss = max(t.rss_mib for t in ts)
        print(f"{name:<18}{wall:9.2f}{cpu:9.2f}{rss:10.0f}{cpu / floor:12.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
