"""The claim shapes of issue 12 on ``assay claims evaluate``: replicates, per, requires_all.

Each through the real command line, on CSV files and a claims file, with the decisions and
p-values the user's documents state.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from assay.claims import ClaimSpec, Row, evaluate_family

ASSAY = str(Path(sys.executable).parent / "assay")


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ASSAY, *map(str, args)], capture_output=True, text=True, timeout=120, check=False
    )


def replicate_csv(tmp_path: Path, b: tuple[int, int], a: tuple[int, int], task: str = "t") -> Path:
    lines = ["task,arm,attempt,value"]
    for arm, (wins, runs) in (("B", b), ("A", a)):
        lines += [f"{task},{arm},r{i},{int(i < wins)}" for i in range(runs)]
    path = tmp_path / "replicates.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_replicates_four_of_seven_against_none_of_ten_is_fisher_0_0147(tmp_path: Path) -> None:
    data = replicate_csv(tmp_path, (4, 7), (0, 10))
    done = run(
        "claims", "evaluate", data, "--treatment", "B", "--control", "A",
        "--design", "replicates", "--margin", "0", "--json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["status"] == "supported"
    assert round(result["p_claim"], 4) == 0.0147  # 35/2380, one-sided
    assert result["treatment_runs"] == [4, 7] and result["control_runs"] == [0, 10]
    assert result["design"] == "replicates" and result["unit"] == "run"


def test_replicates_fail_closed_below_min_runs_and_with_a_margin(tmp_path: Path) -> None:
    data = replicate_csv(tmp_path, (4, 4), (0, 4))
    base = ["claims", "evaluate", data, "--treatment", "B", "--control", "A", "--json"]
    few = json.loads(run(*base, "--design", "replicates", "--margin", "0").stdout)
    assert few["reason"] == "insufficient_evidence" and "5 runs per arm" in few["detail"]
    data = replicate_csv(tmp_path, (4, 7), (0, 10))
    # A margin of 0.05 needs the conservative difference bound too: 4/7 cannot clear it.
    margin = json.loads(run(*base, "--design", "replicates").stdout)
    assert margin["reason"] == "ci_includes_margin"


def test_replicates_refuse_several_tasks_without_per_task() -> None:
    spec = ClaimSpec(
        id="r", metric="success", treatment="B", control="A", design="replicates", margin=0
    )
    rows = [Row(t, arm, str(i), 1.0) for t in ("x", "y") for arm in "AB" for i in range(5)]
    result = evaluate_family([spec], {"success": rows})[0]
    assert result.reason == "data_invalid" and 'per = ["task"]' in result.detail
    per_task = spec.model_copy(update={"per": ("task",)})
    ids = [r.claim.id for r in evaluate_family([per_task], {"success": rows})]
    assert ids == ["r", "r[task=x]", "r[task=y]"]


def two_suite_csv(tmp_path: Path) -> Path:
    """Suite a: B gains on 9 of 10 tasks (one tie); suite b: no difference anywhere."""
    lines = ["task,arm,attempt,value,suite,seed"]
    for suite in ("a", "b"):
        for i in range(10):
            gain = suite == "a" and i < 9
            tie_win = suite == "a" and i == 9
            lines.append(f"{suite}{i},B,0,{int(gain or tie_win)},{suite},1")
            lines.append(f"{suite}{i},A,0,{int(tie_win)},{suite},1")
    path = tmp_path / "suites.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


CLAIMS = """
[[claims]]
id = "gain"
metric = "success"
treatment = "B"
control = "A"
per = ["suite"]
requires_all = ["gain[*]"]
"""


def family(done: subprocess.CompletedProcess[str]) -> dict[str, dict[str, Any]]:
    payload = json.loads(done.stdout)
    assert payload["schema"] == "assay.claims.family.v1"
    return {r["claim"]["id"]: r for r in payload["results"]}


def test_per_suite_with_requires_all_names_the_failing_sub_claim(tmp_path: Path) -> None:
    claims = tmp_path / "claims.toml"
    claims.write_text(CLAIMS)
    done = run("claims", "evaluate", two_suite_csv(tmp_path), "--claims", claims, "--json")
    assert done.returncode == 1, done.stderr
    results = family(done)
    assert list(results) == ["gain", "gain[suite=a]", "gain[suite=b]"]
    assert results["gain"]["reason"] == "requirement_failed"
    assert results["gain"]["failed_requirements"] == ["gain[suite=b]"]
    assert "gain[suite=b]" in results["gain"]["detail"]
    assert results["gain[suite=a]"]["status"] == "supported"
    assert all(r["family_size"] == 3 for r in results.values())
    text = run("claims", "evaluate", two_suite_csv(tmp_path), "--claims", claims)
    assert "gain: FAIL-CLOSED (requirement_failed)" in text.stdout


def test_per_from_the_command_line_and_a_missing_column(tmp_path: Path) -> None:
    data = two_suite_csv(tmp_path)
    args = ["claims", "evaluate", data, "--treatment", "B", "--control", "A", "--json"]
    results = family(run(*args, "--per", "suite"))
    assert set(results) == {"B-vs-A-success", "B-vs-A-success[suite=a]", "B-vs-A-success[suite=b]"}
    plain = tmp_path / "plain.csv"
    plain.write_text("task,arm,attempt,value\nt,A,0,1\nt,B,0,1\n")
    missing = family(run("claims", "evaluate", plain, "--treatment", "B", "--control", "A",
                         "--per", "suite", "--json"))  # fmt: skip
    assert missing["B-vs-A-success"]["reason"] == "data_invalid"
    assert "which suite" in missing["B-vs-A-success"]["detail"]


def test_where_narrows_the_rows_a_claim_is_decided_on(tmp_path: Path) -> None:
    claims = tmp_path / "claims.toml"
    claims.write_text(CLAIMS + '\n[[claims]]\nid = "b-only"\nmetric = "success"\n'
                      'treatment = "B"\ncontrol = "A"\nwhere = { suite = "b" }\n')  # fmt: skip
    results = family(
        run("claims", "evaluate", two_suite_csv(tmp_path), "--claims", claims, "--json")
    )
    assert results["b-only"]["n"] == 10 and results["b-only"]["mean_difference"] == 0


def test_bad_claims_files_exit_2_naming_file_and_field(tmp_path: Path) -> None:
    data = two_suite_csv(tmp_path)
    bad = tmp_path / "bad.toml"
    for text, field in (
        (CLAIMS.replace('per = ["suite"]', 'per = ["planet"]'), "claims.0.per"),
        (CLAIMS.replace('"gain[*]"', '"gain[suite"'), "claims.0.requires_all"),
        (CLAIMS + CLAIMS, "claims"),
        ("[[claims]]\nid = 3\n", "claims.0"),
        ("not toml ][", ""),
    ):
        bad.write_text(text)
        done = run("claims", "evaluate", data, "--claims", bad)
        assert done.returncode == 2, (text, done.stdout)
        assert str(bad) in done.stderr and field in done.stderr and "Traceback" not in done.stderr
