"""``assay stats compare`` as a real subprocess: exit codes and JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ASSAY = str(Path(sys.executable).parent / "assay")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([ASSAY, *args], capture_output=True, text=True, timeout=120, check=False)


def as_json(*args: str) -> dict[str, Any]:
    done = run(*args, "--json")
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def test_unpaired_reproduces_seed_004() -> None:
    data = as_json("stats", "compare", "0/10", "4/7", "--alternative", "greater")
    assert data["schema"] == "assay.stats.compare.v1"
    p = {t["name"]: t["pvalue"] for t in data["tests"]}
    assert p["fisher"] == pytest.approx(0.0147, abs=5e-4)
    assert p["boschloo"] < p["fisher"]
    assert data["paired"] is False
    rates = [(a["name"], a["successes"], a["n"]) for a in data["arms"]]
    assert rates == [("A", 0, 10), ("B", 4, 7)]
    assert data["difference"]["estimate"] == pytest.approx(4 / 7)
    assert data["arms"][0]["wilson_lower"] == 0.0


def test_paired_uses_exact_mcnemar() -> None:
    data = as_json(
        "stats", "compare", "3/10", "8/10", "--paired", "1,6", "--alternative", "greater"
    )
    assert data["paired"] is True
    assert [t["name"] for t in data["tests"]] == ["mcnemar-exact"]
    assert data["tests"][0]["pvalue"] == pytest.approx(8 / 128)
    assert data["difference"]["method"] == "newcombe-paired"


def test_one_attempt_has_no_interval() -> None:
    data = as_json("stats", "compare", "1/1", "0/5")
    assert data["arms"][0]["wilson_lower"] is None
    assert data["difference"] is None


def test_human_output() -> None:
    done = run("stats", "compare", "4/7", "0/7", "--alternative", "less")
    assert done.returncode == 0, done.stderr
    assert "fisher (less): p = 0.03497" in done.stdout
    assert "difference B − A" in done.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["4/x", "0/7"], "A_SUCCESSES/A_N"),
        (["8/7", "0/7"], "A_SUCCESSES/A_N"),
        (["4/7", "0/0"], "B_SUCCESSES/B_N"),
        (["4/7", "3/8", "--paired", "1,0"], "same tasks"),
        (["4/10", "6/10", "--paired", "1,4"], "both arms solved disagree"),
        (["4/10", "6/10", "--paired", "one"], "A_ONLY,B_ONLY"),
    ],
)
def test_bad_input_exits_2(args: list[str], fragment: str) -> None:
    done = run("stats", "compare", *args)
    assert done.returncode == 2
    assert fragment in done.stderr
    assert "fix:" in done.stderr
    assert "Traceback" not in done.stderr


def test_usage_error_exits_2() -> None:
    assert run("stats", "compare", "1/2", "1/2", "--alternative", "bigger").returncode == 2
