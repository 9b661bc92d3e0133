"""Side-by-side verdicts: assay's function runner and EvalPlus 0.3.1's evaluator.

EvalPlus runs in its own cached virtualenv (``make evalplus``) through
``bench/evalplus_driver.py``; both sides get the same inputs (the imported task's), the same
candidates and compute their expectations from the same reference.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assay.tasks.load import Task
from assay.tasks.mutants import mutants
from assay.verify.function.data import read_inputs
from assay.verify.function.executor import FunctionPool
from assay.verify.function.gate import fn_spec, verify_function

ROOT = Path(__file__).resolve().parents[2]
DRIVER = ROOT / "bench" / "evalplus_driver.py"
EVALPLUS_VENV = Path(
    os.environ.get("ASSAY_EVALPLUS_VENV") or Path.home() / ".cache/assay/evalplus-0.3.1"
)
Status = tuple[bool, bool]
"""(base passed, plus passed)."""


@dataclass(frozen=True)
class Case:
    """One candidate of one task."""

    task: Task
    label: str
    """``canonical`` or ``mutant-N``."""
    source: str


def evalplus_python() -> Path | None:
    """EvalPlus's interpreter, if its venv is installed."""
    py = EVALPLUS_VENV / "bin" / "python"
    return py if py.is_file() else None


def cases(tasks: Sequence[Task], per_task: int) -> list[Case]:
    """The canonical solution and its first ``per_task`` mutants, for every task."""
    out = []
    for task in tasks:
        ref = (task.solution / fn_spec(task).module).read_text()
        out.append(Case(task, "canonical", ref))
        out += [Case(task, f"mutant-{m.index}", m.source) for m in mutants(ref, per_task)]
    return out


def assay_statuses(all_cases: Sequence[Case], pool: FunctionPool, tmp: Path) -> list[Status]:
    """assay's verdict per case, split into base and plus as EvalPlus reports them."""
    out = []
    for n, case in enumerate(all_cases):
        ws = tmp / f"c{n}"
        ws.mkdir()
        (ws / fn_spec(case.task).module).write_text(case.source)
        v = verify_function(case.task, ws, pool=pool, strict_protected=False)
        base = all(t.outcome == "passed" for t in v.tests if t.id.startswith("base/"))
        plus = all(t.outcome == "passed" for t in v.tests if t.id.startswith("plus/"))
        out.append((base, plus))
    return out


def evalplus_problems(all_cases: Sequence[Case]) -> dict[str, dict[str, object]]:
    """The driver's input: per task its reference, inputs and candidates, in case order."""
    problems: dict[str, dict[str, object]] = {}
    for case in all_cases:
        if case.task.id not in problems:
            spec = fn_spec(case.task)
            inputs = read_inputs(case.task.hidden_dir / spec.inputs)
            problems[case.task.id] = {
                "id": case.task.id,
                "code": (case.task.solution / spec.module).read_text(),
                "entry": spec.entry_point,
                "atol": spec.atol,
                "base": inputs.base,
                "plus": inputs.plus,
                "candidates": [],
            }
        problems[case.task.id]["candidates"].append(case.source)  # type: ignore[attr-defined]
    return problems


def evalplus_statuses(all_cases: Sequence[Case], python: Path) -> tuple[list[Status], float]:
    """EvalPlus's verdict per case (and its own evaluation time)."""
    problems = evalplus_problems(all_cases)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(Path.home()), "LANG": "C.UTF-8"}
    done = subprocess.run(
        [str(python), str(DRIVER)],
        input=json.dumps({"problems": list(problems.values())}),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    result = json.loads(done.stdout)
    seen: dict[str, int] = {}
    out: list[Status] = []
    for case in all_cases:
        k = seen.get(case.task.id, 0)
        seen[case.task.id] = k + 1
        base, plus = result["statuses"][case.task.id][k]
        out.append((base == "pass", plus == "pass"))
    return out, float(result["seconds"])
