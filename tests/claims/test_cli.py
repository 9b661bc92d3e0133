"""``assay claims evaluate`` as a real subprocess: exit 0 supported, 1 fail-closed, 2 bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ASSAY = str(Path(sys.executable).parent / "assay")


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ASSAY, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def write_csv(tmp_path: Path, b_wins: int, a_wins: int, ties: int, attempts: int = 1) -> Path:
    lines = ["task,arm,attempt,value"]
    outcomes = [(1, 0)] * b_wins + [(0, 1)] * a_wins + [(1, 1)] * ties
    for i, (b, a) in enumerate(outcomes):
        for k in range(attempts):
            lines += [f"t{i},B,{k},{b}", f"t{i},A,{k},{a}"]
    path = tmp_path / "data.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def evaluate_json(*args: str | Path) -> tuple[int, dict[str, Any]]:
    done = run("claims", "evaluate", *args, "--json")
    assert done.returncode in (0, 1), done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return done.returncode, data


def test_supported_claim_exits_0(tmp_path: Path) -> None:
    code, data = evaluate_json(write_csv(tmp_path, 20, 0, 10), "--treatment", "B", "--control", "A")
    assert code == 0
    assert data["schema"] == "assay.claim.v1"
    assert data["status"] == "supported"
    assert data["reason"] is None
    assert data["claim"]["id"] == "B-vs-A-success"
    assert data["n"] == 30


def test_fail_closed_claim_exits_1_with_reason(tmp_path: Path) -> None:
    path = write_csv(tmp_path, 3, 0, 2)
    code, data = evaluate_json(path, "--treatment", "B", "--control", "A")
    assert code == 1
    assert data["status"] == "fail_closed"
    assert data["reason"] == "insufficient_evidence"
    reversed_code, reversed_data = evaluate_json(
        write_csv(tmp_path, 20, 0, 10), "--treatment", "A", "--control", "B"
    )
    assert reversed_code == 1
    assert reversed_data["reason"] == "ci_includes_margin"


def test_human_output(tmp_path: Path) -> None:
    done = run(
        "claims",
        "evaluate",
        write_csv(tmp_path, 20, 0, 10),
        "--treatment",
        "B",
        "--control",
        "A",
        "--margin",
        "0.1",
        "--id",
        "b-wins",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("b-wins: SUPPORTED")
    assert "threshold 0.1" in done.stdout


def test_ledger_enforces_planned_looks(tmp_path: Path) -> None:
    ledger = tmp_path / "looks.jsonl"
    args = ("--treatment", "B", "--control", "A", "--ledger", ledger)
    first_code, first = evaluate_json(write_csv(tmp_path, 4, 0, 2), *args)
    assert (first_code, first["look"]) == (1, 1)
    code, data = evaluate_json(write_csv(tmp_path, 20, 0, 10), *args)
    assert code == 1
    assert data["reason"] == "looks_exhausted"
    assert len(ledger.read_text().splitlines()) == 2


def test_malformed_csv_exits_2_naming_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("task,arm,attempt,value\nt1,A,0,1\nt1,B,0,maybe\n")
    done = run("claims", "evaluate", path, "--treatment", "B", "--control", "A")
    assert done.returncode == 2
    assert f"{path}: line 3, column value" in done.stderr
    assert "fix:" in done.stderr
    assert "Traceback" not in done.stderr


def test_unknown_arm_exits_2(tmp_path: Path) -> None:
    done = run(
        "claims", "evaluate", write_csv(tmp_path, 1, 0, 0), "--treatment", "C", "--control", "A"
    )
    assert done.returncode == 2
    assert "no rows for arm 'C'" in done.stderr
    assert "A, B" in done.stderr


def test_invalid_claim_options_exit_2(tmp_path: Path) -> None:
    path = write_csv(tmp_path, 1, 0, 0)
    done = run("claims", "evaluate", path, "--treatment", "B", "--control", "A", "--alpha", "0.7")
    assert done.returncode == 2
    assert "command line: alpha" in done.stderr
    same = run("claims", "evaluate", path, "--treatment", "A", "--control", "A")
    assert same.returncode == 2
    assert "different arms" in same.stderr


def test_missing_file_exits_2(tmp_path: Path) -> None:
    done = run("claims", "evaluate", tmp_path / "nope.csv", "--treatment", "B", "--control", "A")
    assert done.returncode == 2
    assert "file not found" in done.stderr
