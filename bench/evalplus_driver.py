"""Run EvalPlus 0.3.1's own evaluator on given problems and candidates (in EvalPlus's venv).

Input (stdin, JSON): ``{"problems": [{"id", "code", "entry", "atol", "base", "plus",
"candidates": [source, ...]}]}`` where ``base``/``plus`` are typed-JSON argument lists (see
assay's ``wire`` module, loaded here by path: it is standard library only). Output (stdout,
JSON): per problem, per candidate, EvalPlus's ``[base_status, plus_status]``; the expected
outputs come from EvalPlus's ``trusted_exec`` on the reference, as in ``evalplus.evaluate``.
"""

import importlib.util
import json
import sys
import time
from pathlib import Path

from evalplus.eval import untrusted_check
from evalplus.eval._special_oracle import MBPP_OUTPUT_NOT_NONE_TASKS
from evalplus.gen.util import trusted_exec

_WIRE = Path(__file__).resolve().parents[1] / "src/assay/verify/function/wire.py"
_spec = importlib.util.spec_from_file_location("wire", _WIRE)
wire = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(wire)


def _statuses(dataset, problem, fast_check):
    inputs = {s: [wire.decode(x) for x in problem[s]] for s in ("base", "plus")}
    not_none = problem["entry"] in MBPP_OUTPUT_NOT_NONE_TASKS
    oracle = {}
    for s in ("base", "plus"):
        oracle[s] = trusted_exec(
            problem["code"], inputs[s], problem["entry"], record_time=True, output_not_none=not_none
        )
    out = []
    for code in problem["candidates"]:
        row = []
        for s in ("base", "plus"):
            if not inputs[s]:
                row.append("pass")
                continue
            stat, _ = untrusted_check(
                dataset,
                code,
                inputs[s],
                problem["entry"],
                expected=oracle[s][0],
                atol=problem["atol"],
                ref_time=oracle[s][1],
                fast_check=fast_check,
            )
            row.append(stat)
        out.append(row)
    return out


def main():
    req = json.load(sys.stdin)
    start = time.monotonic()
    result = {
        p["id"]: _statuses(req.get("dataset", "mbpp"), p, req.get("fast_check", True))
        for p in req["problems"]
    }
    json.dump({"statuses": result, "seconds": time.monotonic() - start}, sys.stdout)


if __name__ == "__main__":
    main()
