"""Build a large synthetic run directory by replicating a real one (the demo) over new seeds.

The source run's manifest is copied with ``seeds`` raised (up to its limit, 100) and its
tasks planned again under new ids (``<task>-x<k>``) until the plan covers ``n`` attempts
(tasks × agents × conditions × seeds, rounded up), and hashed again; every planned attempt
gets the record, events, diff and final of the source attempt with the same task, agent
and condition and seed ``((s - 1) % source_seeds) + 1``, its ``attempt_id``, ``task_id``
and ``seed`` rewritten. The result is a finished run that ``assay report``,
``assay claims``, ``assay query`` and ``assay artifacts write/verify`` accept.

Used by ``bench/scale.py`` (100,000 attempts) and by tests (a few thousand at most)::

    .venv/bin/assay run --out /tmp/demo-src          # once, ~2 minutes
    .venv/bin/python bench/synth_run.py /tmp/demo-src /tmp/big --n 100000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from assay.records.canonical import digest, dumps

COPIED = ("environment.json", "manifest.toml", "preflight.json")
MAX_SEEDS = 100
"""The manifest's limit on seeds."""
COPIED_FOLDERS = ("inputs",)


@dataclass(frozen=True)
class Template:
    """One source attempt: its record (as JSON data) and its files' bytes."""

    record: dict[str, Any]
    events: bytes
    diff: bytes
    final: bytes | None


def _attempt_id(task: str, agent: str, condition: str, seed: int) -> str:
    # The runner's id (runner.spec.AttemptSpec.attempt_id), so resume recognises them.
    return f"{task}__{agent}__{condition}__s{seed}"


def _templates(source: Path) -> dict[tuple[str, str, str, int], Template]:
    latest: dict[str, dict[str, Any]] = {}
    for line in (source / "attempts.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            latest[rec["attempt_id"]] = rec
    out = {}
    for rec in latest.values():
        final = source / "finals" / f"{rec['attempt_id']}.json"
        out[(rec["task_id"], rec["agent_id"], rec["condition"], rec["seed"])] = Template(
            record=rec,
            events=(source / rec["events"]).read_bytes(),
            diff=(source / rec["diff"]).read_bytes(),
            final=final.read_bytes() if final.is_file() else None,
        )
    return out


def _renamed(data: bytes, old: str, new: str) -> bytes:
    # Only the attempt_id fields: a task id inside an event's data stays as it was.
    return data.replace(f'"attempt_id": "{old}"'.encode(), f'"attempt_id": "{new}"'.encode())


def _task_copies(source: Path, out: Path, copies: int) -> list[str]:
    """Write ``tasks.json`` with every task ``copies`` times; return the copies' suffixes."""
    suffixes = [""] + [f"-x{c}" for c in range(1, copies)]
    tasks = json.loads((source / "tasks.json").read_text(encoding="utf-8"))
    tasks["tasks"] = [{**t, "id": t["id"] + sfx} for sfx in suffixes for t in tasks["tasks"]]
    (out / "tasks.json").write_text(dumps(tasks, indent=1) + "\n", encoding="utf-8")
    return suffixes


def build(source: Path, out: Path, n: int = 100_000) -> int:
    """Write a run of at least ``n`` attempts into ``out`` (a new folder); return the count.

    Seeds go up to the manifest's limit (100); beyond that every task is planned again
    under a new id (``<task>-x<k>``, same folder and digests in ``tasks.json``).
    """
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"{out}: not empty; choose a new folder")
    manifest = json.loads((source / "manifest.json").read_text(encoding="utf-8"))
    templates = _templates(source)
    src_seeds = int(manifest["seeds"])
    arms = sorted({k[:3] for k in templates})
    per_seed = max(len(arms), 1)
    seeds = min(MAX_SEEDS, max(src_seeds, math.ceil(n / per_seed)))
    manifest["seeds"] = seeds
    manifest["tasks"] = []  # every task of tasks.json, copies included
    for sub in ("events", "diffs", "finals"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        if (source / name).is_file():
            shutil.copyfile(source / name, out / name)
    for name in COPIED_FOLDERS:
        if (source / name).is_dir():
            shutil.copytree(source / name, out / name)
    suffixes = _task_copies(source, out, math.ceil(n / (per_seed * seeds)))
    (out / "manifest.json").write_text(dumps(manifest) + "\n", encoding="utf-8")
    count = 0
    with (out / "attempts.jsonl").open("w", encoding="utf-8") as lines:
        for sfx in suffixes:
            for seed in range(1, seeds + 1):
                for task, agent, condition in arms:
                    tpl = templates.get((task, agent, condition, (seed - 1) % src_seeds + 1))
                    if tpl is None:
                        continue  # the source never finished this attempt: nor does the copy
                    _write_copy(out, lines, tpl, task + sfx, seed)
                    count += 1
    # Written last, as the runner does: a folder without it holds no run.
    (out / "manifest.sha256").write_text(digest(manifest) + "\n", encoding="utf-8")
    return count


def _write_copy(out: Path, lines: IO[str], tpl: Template, task: str, seed: int) -> None:
    old, rec = tpl.record["attempt_id"], tpl.record
    new = _attempt_id(task, rec["agent_id"], rec["condition"], seed)
    copy = {**rec, "attempt_id": new, "task_id": task, "seed": seed}
    copy["events"] = rec["events"].replace(old, new, 1)
    copy["diff"] = rec["diff"].replace(old, new, 1)
    (out / copy["events"]).write_bytes(_renamed(tpl.events, old, new))
    (out / copy["diff"]).write_bytes(tpl.diff)
    if tpl.final is not None:
        final = _renamed(tpl.final, old, new).replace(
            f'"task_id": "{rec["task_id"]}"'.encode(), f'"task_id": "{task}"'.encode()
        )
        (out / "finals" / f"{new}.json").write_bytes(final)
    lines.write(dumps(copy) + "\n")


def disk_bytes(root: Path) -> int:
    """The bytes of every file under ``root`` (for the benchmark's printout)."""
    total = 0
    for folder, _dirs, files in os.walk(root):
        total += sum(os.stat(os.path.join(folder, f)).st_size for f in files)
    return total


def main(argv: list[str] | None = None) -> int:
    """Command line: SOURCE_RUN OUT [--n N]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="a finished run directory (e.g. the demo)")
    parser.add_argument("out", type=Path, help="a new folder for the synthetic run")
    parser.add_argument("--n", type=int, default=100_000, help="attempts (rounded up)")
    args = parser.parse_args(argv)
    count = build(args.source, args.out, args.n)
    print(f"{args.out}: {count} attempts, {disk_bytes(args.out) / 2**20:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
