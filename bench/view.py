"""The viewer at scale: time to first byte of its pages on a 100,000-attempt run, against
``assay query`` over the same run answering the same question.

A synthetic run is built by ``bench/synth_run.py`` (helper "scale"'s generator, used as is)
from a finished source run (the demo). One ``assay view`` server is started over it, and
each page is requested twice: *first* (for the first page that needs the run, the run is
read through the results layer and its attempts put in DuckDB; later pages find it
loaded) and *again* (the page computed again from the loaded run). Each is set beside one
``assay query`` process that reads the run and answers the page's question (the list
page's filtered, paged SELECT; one attempt by id). Only ratios are meaningful on a loaded
machine; absolute seconds are shown for the record.

Run: .venv/bin/python bench/view.py SOURCE_RUN [--n 100000] [--work DIR]
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from tests.support.viewer import free_port

from synth_run import build  # type: ignore[import-not-found]

ASSAY = [sys.executable, "-m", "assay.cli"]
RUN = "big"


def ttfb(port: int, path: str) -> tuple[float, int]:
    """Seconds from sending the request to the response's status line, and the status."""
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    start = time.perf_counter()
    con.request("GET", path)
    res = con.getresponse()
    first = time.perf_counter() - start
    res.read()
    con.close()
    return first, res.status


def query(run: Path, sql: str) -> float:
    """Wall seconds of one ``assay query --json`` process (it must succeed)."""
    start = time.perf_counter()
    done = subprocess.run(
        [*ASSAY, "query", sql, "--run", str(run), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"assay query failed: {done.stderr}")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a finished run directory (the demo)")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=None, help="keep the run here (reused)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="assay-view-bench-"))
    run = work / RUN
    if not (run / "manifest.sha256").is_file():
        start = time.perf_counter()
        count = build(args.source, run, args.n)
        print(f"built {count} attempts in {time.perf_counter() - start:.0f} s")
    first_id = (run / "attempts.jsonl").open().readline().split('"attempt_id": "')[1].split('"')[0]
    port = free_port()
    proc = subprocess.Popen([*ASSAY, "view", str(work), "--port", str(port)])
    try:
        for _ in range(3000):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=5).connect()
                break
            except OSError:
                time.sleep(0.1)
        listing = "SELECT * FROM attempts WHERE condition = 'auto' ORDER BY attempt_id"
        cases = [
            ("runs page", "/", "SELECT run, count(*) FROM attempts GROUP BY run"),
            ("run page", f"/run/{RUN}", f"{listing} LIMIT 50"),
            (
                "filtered page 3",
                f"/run/{RUN}?condition=auto&page=3",
                f"{listing} LIMIT 50 OFFSET 100",
            ),
            (
                "attempt page",
                f"/run/{RUN}/attempt/{first_id}",
                f"SELECT * FROM attempts WHERE attempt_id = '{first_id}'",
            ),
        ]
        print(
            f"{'page':<18}{'first s':>9}{'again s':>9}{'query s':>9}"
            f"{'first/query':>12}{'again/query':>12}"
        )
        for name, path, sql in cases:
            first, status = ttfb(port, path)
            second, again = ttfb(port, path)
            assert status == again == 200, (path, status, again)
            q = query(run, sql)
            print(
                f"{name:<18}{first:>9.2f}{second:>9.2f}{q:>9.2f}"
                f"{first / q:>12.2f}{second / q:>12.3f}",
                flush=True,
            )
    finally:
        proc.terminate()
        proc.wait(timeout=120)
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
