"""The Ray executor against the local one, side by side, at growing attempt counts.

Each size runs the same manifest twice in this process — the demo's scripted loop agent on
small repair tasks (condition ``solo``; tasks × seeds make the count) — once with the local
executor and once on a local Ray cluster started once for the whole benchmark, and prints
per executor: wall time, throughput, the driver's CPU per attempt (this process: for Ray the
scheduling, the collector and the writes; for local also the agent loops, which run on its
threads) and bytes written per attempt. Then it extrapolates to 37,500 attempts.

Run: .venv/bin/python bench/ray_scale.py [--counts 50,200,800] [--slots N]
(the defaults take about an hour on 2 loaded cores; --counts 20,60 takes minutes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assay.records.manifest import ExecutorSpec, Manifest, load_manifest
from assay.runner.execute import run_experiment
from assay.store.rundir import RunDir

DEMO = Path(__file__).resolve().parents[1] / "src" / "assay" / "runner" / "demo.toml"
TASKS = 10
TARGET = 37_500


@dataclass(frozen=True)
class Measured:
    executor: str
    attempts: int
    wall_s: float
    driver_cpu_s: float
    attempt_s: float
    """Mean wall time of one attempt, as its record says."""
    bytes_written: int

    @property
    def per_s(self) -> float:
        return self.attempts / self.wall_s

    @property
    def driver_ms(self) -> float:
        return 1000 * self.driver_cpu_s / self.attempts


def _manifest(count: int, width: int) -> Manifest:
    base = load_manifest(DEMO)
    seeds = max(1, count // TASKS)
    data = base.model_dump(mode="json", by_alias=True)
    data.update(
        name=f"scale-{count}",
        seeds=seeds,
        suites=[str(DEMO.parent.parent / "suites" / "repair")],
        conditions=[c for c in data["conditions"] if c["id"] == "solo"],
        claims=[],
        concurrency={"attempts": width, "model_connections": 4},
    )
    tasks = sorted(p.name for p in (DEMO.parent.parent / "suites" / "repair").iterdir())
    data["tasks"] = tasks[:TASKS]
    return Manifest.model_validate(data)


def _size(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def _measure(manifest: Manifest, executor: ExecutorSpec, out: Path) -> Measured:
    cpu, wall = time.process_time(), time.perf_counter()
    run_experiment(manifest, out, show_progress=False, executor=executor)
    wall = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    records = RunDir.open(out).attempts()
    return Measured(
        executor=executor.kind,
        attempts=len(records),
        wall_s=wall,
        driver_cpu_s=cpu,
        attempt_s=statistics.fmean(r.duration_s for r in records),
        bytes_written=_size(out),
    )


def _row(m: Measured) -> str:
    return (
        f"{m.executor:>6} {m.attempts:>6} {m.wall_s:>8.1f} {m.per_s:>8.3f}"
        f" {m.driver_ms:>10.1f} {m.attempt_s:>9.2f} {m.bytes_written / m.attempts / 1024:>8.1f}"
    )


def _extrapolate(ray_runs: list[Measured], slots: int) -> None:
    big = ray_runs[-1]
    driver_ms = statistics.fmean(m.driver_ms for m in ray_runs[-2:])
    kib = big.bytes_written / big.attempts / 1024
    print(
        f"\nextrapolated to {TARGET} attempts (sizes and seconds per attempt from the largest"
        f" Ray run, {big.attempts}; driver CPU the mean of the two largest):"
    )
    print(f"  run directory: {kib * TARGET / 1024 / 1024:.2f} GiB ({kib:.1f} KiB per attempt)")
    print(f"  driver CPU: {driver_ms * TARGET / 1000 / 60:.1f} min in all; one driver core")
    print(f"  keeps up with at most {1000 / driver_ms:.0f} attempts/s")
    for cluster in (slots, 64, 256, 1024):
        wall_h = TARGET * big.attempt_s / cluster / 3600
        rate = cluster / big.attempt_s
        print(
            f"  {cluster:>5} sandbox slots: {wall_h:7.2f} h at {big.attempt_s:.2f} s per attempt"
            f" ({rate:.1f} attempts/s needed from the driver)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--counts", default="50,200,800")
    parser.add_argument("--slots", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]

    import ray

    started = time.perf_counter()
    ray.init(
        num_cpus=args.slots,
        resources={"assay_sandbox": args.slots},
        include_dashboard=False,
        # Loopback only: nothing of the cluster listens on or talks to another address.
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
        configure_logging=False,
    )
    print(f"ray cluster up in {time.perf_counter() - started:.1f} s ({args.slots} slots)")
    head = ("exec", "n", "wall_s", "att/s", "drv_ms/att", "att_s", "KiB/att")
    print(" ".join(f"{h:>{w}}" for h, w in zip(head, (6, 6, 8, 8, 10, 9, 8), strict=True)))
    ray_runs = []
    try:
        with tempfile.TemporaryDirectory(prefix="assay-ray-scale-") as tmp:
            for count in counts:
                manifest = _manifest(count, args.slots)
                local = _measure(manifest, ExecutorSpec(), Path(tmp) / f"local-{count}")
                on_ray = _measure(manifest, ExecutorSpec(kind="ray"), Path(tmp) / f"ray-{count}")
                ray_runs.append(on_ray)
                print(_row(local))
                print(_row(on_ray))
                print(
                    f"{'':>6} ratio ray/local: wall {on_ray.wall_s / local.wall_s:.2f},"
                    f" driver CPU {on_ray.driver_cpu_s / local.driver_cpu_s:.2f}"
                )
    finally:
        ray.shutdown()
    _extrapolate(ray_runs, args.slots)


if __name__ == "__main__":
    main()
