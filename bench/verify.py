"""Function-level verification side by side: assay's function runner, a bare fork-per-candidate
ceiling, and EvalPlus 0.3.1's own evaluator, on the same MBPP+ candidates.

Candidates: for every chosen MBPP+ problem (imported from the raw release with base and plus
inputs), its canonical solution and its first deterministic AST mutants. Each is verified by
  - assay: ``verify_function`` end to end (sandbox slots, one fresh child per candidate,
    EvalPlus's comparison on the trusted side), as many calls in flight as the pool has slots;
  - the ceiling: one slim warm interpreter per core, no sandbox, that forks per candidate and
    in the child only execs the program and calls it on every input (no comparison, no
    limits, no IPC) -- what any verifier with a fresh child per candidate cannot beat here;
  - EvalPlus: ``untrusted_check`` as ``evalplus.evaluate`` calls it (expected outputs from
    ``trusted_exec``), in its own venv (``make evalplus``), one driver process per core.
Only ratios are printed (absolute times depend on the machine and its load); the verdicts of
assay and EvalPlus are compared too. Two ratios against the ceiling: throughput (wall time,
what the target is stated in; on a busy machine it drifts, because the ceiling's two
processes and assay's slots get different shares of the contended cores) and CPU cost (the
core-seconds each spends per candidate: the parent and every sandbox server with the
children it reaped, against the ceiling's workers and their children), which load moves much
less.
Run: .venv/bin/python bench/verify.py [--every 4] [--mutants 3] [--rounds 3] [--no-evalplus]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.evalplus import DRIVER, Case, cases, evalplus_problems, evalplus_python
from tests.support.function import MBPPPLUS

from assay.importers.mbppplus import import_mbppplus
from assay.tasks.suite import load_suite
from assay.verify.function.data import read_inputs
from assay.verify.function.executor import FunctionPool
from assay.verify.function.gate import fn_spec, verify_function

BARE_WORKER = """
import gc, json, os, sys, time
sys.path.insert(0, sys.argv[3])
import wire
jobs = json.load(open(sys.argv[1]))
workers = int(sys.argv[2])
for j in jobs:
    j["inputs"] = [wire.decode(x) for x in j["inputs"]]
gc.freeze()
def run(chunk):
    for job in chunk:
        pid = os.fork()
        if pid == 0:
            try:
                g = {"__name__": "solution"}
                exec(compile(job["source"], "solution.py", "exec"), g)
                fn = g[job["entry"]]
                for args in job["inputs"]:
                    try:
                        fn(*args)
                    except Exception:
                        pass
                os._exit(0)
            except BaseException:
                os._exit(1)
        os.waitpid(pid, 0)
start = time.perf_counter()
t0 = os.times()
kids = []
for k in range(workers):
    pid = os.fork()
    if pid == 0:
        run(jobs[k::workers])
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
t1 = os.times()
cpu = sum(t1[:4]) - sum(t0[:4])
print(time.perf_counter() - start, cpu)
"""


def _tree_cpu(root: int) -> float:
    """CPU seconds of ``root``'s descendants and the children they reaped (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    kids: dict[int, list[int]] = {}
    stats: dict[int, list[str]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                raw = Path(f"/proc/{entry}/stat").read_bytes()
            except OSError:
                continue
            fields = raw[raw.rindex(b")") + 2 :].decode().split()
            stats[int(entry)] = fields
            kids.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, list(kids.get(root, []))
    while todo:
        pid = todo.pop()
        total += sum(int(x) for x in stats[pid][11:15])  # utime stime cutime cstime
        todo += kids.get(pid, [])
    return total / tick


def _pool_cpu(pool: FunctionPool) -> tuple[float, float]:
    """CPU seconds so far of this process (the trusted side) and of every slot's sandbox."""
    return time.process_time(), sum(_tree_cpu(pid) for pid in pool.sandbox_pids)


def _assay(
    all_cases: list[Case], pool: FunctionPool, tmp: Path
) -> tuple[float, tuple[float, float], list[bool]]:
    folders = []
    for n, case in enumerate(all_cases):
        ws = tmp / f"a{n}"
        ws.mkdir()
        (ws / fn_spec(case.task).module).write_text(case.source)
        folders.append(ws)
    start, cpu = time.perf_counter(), _pool_cpu(pool)
    with ThreadPoolExecutor(pool.workers) as ex:
        verdicts = list(
            ex.map(
                lambda i: verify_function(
                    all_cases[i].task, folders[i], pool=pool, strict_protected=False
                ),
                range(len(all_cases)),
            )
        )
    elapsed = time.perf_counter() - start
    end = _pool_cpu(pool)
    return elapsed, (end[0] - cpu[0], end[1] - cpu[1]), [v.passed for v in verdicts]


def _ceiling(all_cases: list[Case], tmp: Path) -> tuple[float, float]:
    jobs = []
    for case in all_cases:
        inputs = read_inputs(case.task.hidden_dir / fn_spec(case.task).inputs)
        entry = fn_spec(case.task).entry_point
        jobs.append({"source": case.source, "entry": entry, "inputs": inputs.base + inputs.plus})
    path = tmp / "bare.json"
    path.write_text(json.dumps(jobs))
    wire_dir = Path(__file__).resolve().parents[1] / "src/assay/verify/function"
    workers = str(os.cpu_count() or 1)
    argv = [sys.executable, "-I", "-S", "-c", BARE_WORKER, str(path), workers, str(wire_dir)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    wall, cpu = done.stdout.split()
    return float(wall), float(cpu)


def _evalplus(all_cases: list[Case], python: Path) -> tuple[float, list[bool]]:
    problems = evalplus_problems(all_cases)
    seen: dict[str, int] = {}
    order = []  # (task, index among its candidates), in case order
    for case in all_cases:
        order.append((case.task.id, seen.get(case.task.id, 0)))
        seen[case.task.id] = order[-1][1] + 1
    workers = os.cpu_count() or 1
    chunks = [list(problems.values())[k::workers] for k in range(workers)]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8"}
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [str(python), str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in chunks
    ]
    statuses: dict[str, list[list[str]]] = {}
    outs = [p.communicate(json.dumps({"problems": c})) for p, c in zip(procs, chunks, strict=True)]
    elapsed = time.perf_counter() - start
    for out, _ in outs:
        statuses.update(json.loads(out)["statuses"])
    return elapsed, [statuses[t][k] == ["pass", "pass"] for t, k in order]


def main() -> None:
    """Import, build the candidates, run the three verifiers, print ratios."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=4, help="take every Nth MBPP+ problem")
    ap.add_argument("--mutants", type=int, default=3, help="AST mutants per problem")
    ap.add_argument("--rounds", type=int, default=3, help="alternating assay/ceiling rounds")
    ap.add_argument("--no-evalplus", action="store_true", help="skip EvalPlus's evaluator")
    args = ap.parse_args()
    python = evalplus_python()
    with tempfile.TemporaryDirectory() as tmp_s, FunctionPool() as pool:
        tmp = Path(tmp_s)
        import_mbppplus(MBPPPLUS, tmp / "suite", pool)
        tasks = load_suite(tmp / "suite")[:: args.every]
        all_cases = cases(tasks, args.mutants)
        (tmp / "warm").mkdir()
        _assay(all_cases[:20], pool, tmp / "warm")  # every slot started and warm
        # Rounds alternate so that the load of a shared machine hits both paths alike.
        t_assays, t_bares, cpu_ratios = [], [], []
        n = len(all_cases)
        costs: list[tuple[float, float, float]] = []  # ms per candidate: trusted, sandbox, bare
        for r in range(args.rounds):
            (tmp / f"r{r}").mkdir()
            t, (trusted, sandboxed), ours = _assay(all_cases, pool, tmp / f"r{r}")
            t_assays.append(t)
            bare_t, bare_cpu = _ceiling(all_cases, tmp)
            t_bares.append(bare_t)
            cpu_ratios.append(bare_cpu / (trusted + sandboxed))
            costs.append((1000 * trusted / n, 1000 * sandboxed / n, 1000 * bare_cpu / n))
        t_assay, t_bare = statistics.median(t_assays), statistics.median(t_bares)
        print(f"{len(tasks)} problems, {n} candidates (canonical + {args.mutants} mutants each)")
        for r, (trusted, sandboxed, bare) in enumerate(costs):
            print(
                f"round {r + 1}: CPU ms per candidate: assay {trusted + sandboxed:.2f} "
                f"(trusted side {trusted:.2f}, sandboxes {sandboxed:.2f}), ceiling {bare:.2f}"
            )
        print(
            f"assay / bare fork ceiling (throughput, median of {args.rounds}): "
            f"{t_bare / t_assay:.2f}"
        )
        print(
            f"assay / bare fork ceiling (CPU cost per candidate, median of {args.rounds}): "
            f"{statistics.median(cpu_ratios):.2f}"
        )
        if args.no_evalplus:
            return
        if python is None:
            print("EvalPlus venv missing: run `make evalplus` for the EvalPlus comparison")
            return
        t_ep, theirs = _evalplus(all_cases, python)
        agree = sum(a == b for a, b in zip(ours, theirs, strict=True))
        print(f"assay / EvalPlus 0.3.1 evaluator (throughput): {t_ep / t_assay:.2f}")
        print(f"verdicts agree on {agree} of {n} candidates")


if __name__ == "__main__":
    main()
