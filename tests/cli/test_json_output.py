"""``--json``: every command that prints results has it, and prints one JSON document.

The command tree is walked (commands added later are checked too): each one declares
``--json`` unless it prints no results (a server). Those cheap enough to run here on the
small experiment's run are run with ``--json`` and their stdout must be one JSON document; the
others run long loops or install software and are listed with the test that runs them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.main import get_command

from assay.cli.app import app
from tests.conftest import REPO, run_assay
from tests.support.rundir import make_run

TASK = REPO / "src/assay/suites/repair/window-sums"
QUICK = ["--suite", "repair", "--model", "scripted:builtin:repair-demo", "--conditions", "solo"]
NO_RESULTS = {
    "serve": "an endpoint server: it answers requests, prints no result",
    "view": "a web server: it serves pages, prints no result",
}
NOT_RUN_HERE = {
    # Each runs a loop of model calls, installs agent CLIs, mutates a whole suite or reads
    # a benchmark's data; their --json is declared (checked below) and the output is built
    # the same way (assay.cli.options.print_json).
    "agents check": "installs and drives third-party agent CLIs",
    "agents install": "installs third-party agent CLIs",
    "audit": "mutation testing of a whole task",
    "export inspect": "needs the inspect extra, which lives in its own venv (tests/interop)",
    "calibrate": "needs a scored pool of several problems",
    "import humaneval": "imports 164 problems",
    "import mbppplus": "needs the MBPP+ data file",
    "judge": "needs a scripted judge's replies",
    "optimize": "a whole optimization loop",
    "rerank": "needs a pool of several problems",
    "split": "needs a pool of several problems",
}
SOLO = """
schema = "assay.manifest.v1"
name = "json-solo"
suites = ["repair"]
tasks = ["window-sums"]
[[agents]]
id = "loop"
model = "scripted:builtin:repair-demo"
[[conditions]]
id = "solo"
"""


def _leaves() -> dict[str, set[str]]:
    """Every leaf command's name and its options."""
    out: dict[str, set[str]] = {}

    def walk(cmd: object, path: list[str]) -> None:
        subs = getattr(cmd, "commands", None)
        if subs:
            for name, sub in subs.items():
                walk(sub, [*path, name])
        else:
            params = getattr(cmd, "params", [])
            out[" ".join(path)] = {o for p in params for o in getattr(p, "opts", [])}

    walk(get_command(app), [])
    return out


def _calls(tmp: Path) -> dict[str, list[str]]:
    run, pool = str(tmp / "run"), str(tmp / "pool")
    return {
        "agents list": [],
        "artifacts write": [run],
        "artifacts verify": [run],
        "attempt": [
            str(TASK),
            "--model",
            "scripted:builtin:repair-demo",
            "--workdir",
            str(tmp / "a"),
        ],
        "claims check": [run],
        "claims compare": [run, run, "--arm", "auto"],
        "claims evaluate": [str(tmp / "rows.csv"), "--treatment", "B", "--control", "A"],
        "manifest verify": [run],
        "pool build": [run, "--origin", "runs", "--out", pool],
        "pool check": [pool],
        "preflight": [str(tmp / "solo.toml")],
        "query": ["select count(*) as n from attempts", "--run", run],
        "release scan": [run],
        "release clean": [run, "--dry-run"],
        "report": [run, "--out", str(tmp / "report")],
        "run": [*QUICK, "--tasks", "window-sums", "--out", str(tmp / "run2"), "--no-preflight"],
        "runs list": [str(tmp)],
        "stats compare": ["7/12", "11/12"],
        "status": [run],
        "export csv": [run, "--out", str(tmp / "attempts.csv")],
        "export parquet": [run, "--out", str(tmp / "attempts.parquet")],
        "export swebench-preds": [run, "--out", str(tmp / "preds")],
        "sweep": [
            str(tmp / "solo.toml"),
            "--param",
            "agents.loop.max_steps=12,13",
            "--out",
            str(tmp / "sw"),
            "--no-preflight",
        ],
        "tasks check": [str(TASK)],
        "tasks list": ["repair"],
        "verify": [str(TASK), str(TASK / "solution")],
    }


# In this order: the pool is built from the run before it is checked, the index written
# before it is verified.
ORDER = ["pool build", "artifacts write"]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("json")
    (tmp / "solo.toml").write_text(SOLO)
    rows = ["task,arm,attempt,value"] + [
        f"t{i},{a},1,{int(a == 'B' or i % 3 == 0)}" for i in range(12) for a in "AB"
    ]
    (tmp / "rows.csv").write_text("\n".join(rows) + "\n")
    make_run(tmp)  # a copy of the session's small experiment (3 tasks × 3 conditions)
    return tmp


def test_every_results_command_declares_json() -> None:
    leaves = _leaves()
    lacking = sorted(
        n for n, opts in leaves.items() if "--json" not in opts and n not in NO_RESULTS
    )
    assert lacking == [], lacking
    # Every command is run below or named with the reason it is not.
    unplanned = set(leaves) - set(_calls(Path("."))) - set(NOT_RUN_HERE) - set(NO_RESULTS)
    assert unplanned == set(), unplanned


def test_json_output_is_one_document(inputs: Path) -> None:
    calls = _calls(inputs)
    for name in [*ORDER, *(c for c in calls if c not in ORDER)]:
        done = run_assay(*name.split(), *calls[name], "--json")
        assert "Traceback" not in done.stderr, (name, done.stderr)
        assert done.returncode in (0, 1), (name, done.returncode, done.stderr[-2000:])
        try:
            json.loads(done.stdout)
        except ValueError as exc:
            raise AssertionError((name, done.stdout[:500], done.stderr[-500:])) from exc
