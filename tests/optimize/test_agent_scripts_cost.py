"""The loop agent as proposer, a harness's scripts in the workspace, non-inferiority at lower cost.

One optimization (module-scoped, through the real command line) on four bundled repair
tasks × 2 seeds. The proposer is assay's own loop agent on a scripted model:

- c0001: it reads the bundle and writes ``scripts/hint.py``. The evaluated agent always runs
  ``python scripts/hint.py`` first and writes the real fix only when the script's output is
  in its context (a ``when_context_contains`` variant): without the script it writes the
  naive fix. So the script, copied into every evaluated workspace, changes the outcome:
  8/8 against 0/8, kept as ``superior``.
- c0002: it shortens AGENTS.md. Success is the same (8/8 against 8/8, so the gate cannot
  call it better), every attempt's prompt is shorter, so fewer tokens on every unit: kept as
  ``non-inferior-cheaper`` (non-inferiority margin 0.4: with 8 units and no loss the exact
  bound is −0.3694, the smallest margin 8 units can ever support).

- c0003: its command outlives ``timeout_s``: the agent is stopped, ``timeout``.

Then ``assay report OPT_DIR`` writes the optimization's report through the report package.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assay.optimize.cost import compare_cost
from assay.optimize.evaluate import load_evaluation
from assay.optimize.ledger import read_ledger
from assay.records.optimize import CandidateRecord
from assay.runner.builtin_scripts import harness_script
from assay.tasks.load import load_task
from assay.tasks.suite import BUNDLED_ROOT
from tests.conftest import run_assay

SEARCH = ["deep-merge", "interval-merge", "lru-cache", "money-rounding"]
HELDOUT = ["running-stats"]
MARKER = "HINT: handle every input the task describes"
HINT = f"print({MARKER!r})\n"
RUN_HINT = {
    "tool_calls": [{"name": "run", "arguments": {"command": ["python", "scripts/hint.py"]}}]
}
LONG = "Make the failing tests pass. " + "Take care and read every file before you write. " * 8
SHORT = "Make the failing tests pass.\n"

PROJECT = """
schema = "assay.optimize.v1"
name = "opt-agent"

[harness]
baseline = "baseline"
allowed_write_paths = ["AGENTS.md", "scripts/**"]

[evaluation]
model = "scripted:agent.json"
config = {{ max_passes = 1, max_steps = 12 }}
attempts = 2

[search]
suite = "repair"
tasks = {search}
seeds = 2

[heldout]
suite = "repair"
tasks = {heldout}

[selection]
min_n = 6
reevaluate_incumbent = false
non_inferiority_margin = 0.4
cost = "tokens"

[proposer]
kind = "agent"
model = "scripted:proposer.json"
config = {{ max_passes = 1, max_steps = 4 }}
timeout_s = 3

[budget]
iterations = 3
"""


def call(name: str, **arguments: Any) -> dict[str, Any]:
    return {"tool_calls": [{"name": name, "arguments": arguments}]}


def agent_script() -> dict[str, Any]:
    """Runs the hint script first; the real fix only when the hint is in its context."""
    built = harness_script([load_task(BUNDLED_ROOT / "repair" / t) for t in SEARCH + HELDOUT])
    told = built["variants"][0]["tasks"]
    return {
        "schema": "assay.script.v1",
        "model": "scripted-hinted",
        "tasks": {t: [RUN_HINT, *turns] for t, turns in built["tasks"].items()},
        "variants": [
            {
                "when_context_contains": MARKER,
                "tasks": {t: [RUN_HINT, *turns] for t, turns in told.items()},
            }
        ],
    }


PROPOSER = {
    "schema": "assay.script.v1",
    "model": "scripted-proposer",
    "tasks": {
        "c0001": [
            call("read_file", path=".optimize/task.md"),
            call("write_file", path="scripts/hint.py", content=HINT),
            call("done", summary="added a hint script"),
        ],
        "c0002": [
            call("write_file", path="AGENTS.md", content=SHORT),
            call("done", summary="shorter instructions"),
        ],
        # Past timeout_s (3 s) while its command runs (4 s): stopped at the next step.
        "c0003": [
            call("write_file", path="slow.py", content="import time\ntime.sleep(4)\n"),
            call("run", command=["python", "slow.py"]),
            call("write_file", path="AGENTS.md", content="never written\n"),
            call("done", summary="never reached"),
        ],
    },
}


@pytest.fixture(scope="module")
def optimized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("opt-agent")
    project = folder / "project"
    (project / "baseline").mkdir(parents=True)
    (project / "baseline" / "AGENTS.md").write_text(LONG + "\n")
    (project / "agent.json").write_text(json.dumps(agent_script()))
    (project / "proposer.json").write_text(json.dumps(PROPOSER))
    (project / "project.toml").write_text(
        PROJECT.format(search=json.dumps(SEARCH), heldout=json.dumps(HELDOUT))
    )
    done = run_assay("optimize", str(project / "project.toml"), "--out", str(folder / "out"))
    assert done.returncode == 0, done.stderr
    return folder / "out"


def lines(out: Path) -> dict[str, CandidateRecord]:
    return {r.candidate: r for r in read_ledger(out) if not r.outcome.startswith("heldout")}


def successes(line: CandidateRecord) -> int:
    assert line.objective is not None, line
    return line.objective.successes


def first_config(run: Path) -> dict[str, Any]:
    events = sorted((run / "events").iterdir())
    config: dict[str, Any] = json.loads(events[0].read_text().splitlines()[0])["data"]["config"]
    return config


def test_the_agent_proposer_keeps_its_artifacts(optimized: Path) -> None:
    c1 = lines(optimized)["c0001"]
    assert c1.changed_files == ["scripts/hint.py"]
    assert c1.usage.tokens is not None and c1.usage.tokens > 0
    assert c1.usage.cost_usd is None and c1.usage.exit_code == 0  # unpriced scripted model
    proposal = optimized / "candidates" / "c0001" / "proposal"
    assert (proposal / "last_message.txt").read_text() == "added a hint script"
    transcript = [json.loads(x) for x in (proposal / "transcript.jsonl").read_text().splitlines()]
    tools = [e["data"]["tool"] for e in transcript if e["kind"] == "tool_call"]
    assert tools == ["read_file", "write_file", "done"]
    # It read the instruction bundle it was given.
    read = next(e["data"] for e in transcript if e["kind"] == "tool_call")
    assert read["ok"] and "- scripts/**" in read["output"]
    assert json.loads((proposal / "stdout.txt").read_text())["outcome"] == "completed"
    assert "+" + HINT.strip() in (proposal / "workspace.diff").read_text()


def test_an_agent_proposer_past_its_time_is_a_timeout(optimized: Path) -> None:
    c3 = lines(optimized)["c0003"]
    assert (c3.outcome, c3.parent, c3.best) == ("timeout", "c0002", "c0002")
    assert c3.objective is None and 3 <= c3.usage.duration_s < 60
    proposal = optimized / "candidates" / "c0003" / "proposal"
    assert json.loads((proposal / "stdout.txt").read_text())["outcome"] == "interrupted"
    assert "AGENTS.md" not in c3.changed_files  # stopped before its third step


def test_the_script_in_the_workspace_changes_the_outcome(optimized: Path) -> None:
    by = lines(optimized)
    assert (successes(by["c0000"]), successes(by["c0001"])) == (0, 8)
    assert (by["c0001"].outcome, by["c0001"].rule) == ("keep", "superior")
    assert by["c0001"].reason.startswith("superior: ")
    run = optimized / "candidates" / "c0001" / "evaluation" / "run"
    # The agent was told, and the script was in every attempt's starting workspace: not in
    # any attempt's diff, and the hidden tests are the task's own.
    assert "scripts/hint.py" in first_config(run)["instructions"]
    assert "scripts/hint.py" not in "".join(p.read_text() for p in (run / "diffs").iterdir())
    task = optimized / "candidates" / "c0001" / "evaluation" / "tasks" / "deep-merge"
    assert (task / "workspace" / "scripts" / "hint.py").read_text() == HINT
    assert not (task / "tests" / "scripts").exists()
    assert "scripts" not in {p.name for p in (BUNDLED_ROOT / "repair" / "deep-merge").rglob("*")}
    # The baseline had no script: its tasks are the suite's own.
    assert not (optimized / "candidates" / "c0000" / "evaluation" / "tasks").exists()


def test_non_inferior_and_cheaper_replaces_its_parent(optimized: Path) -> None:
    c2 = lines(optimized)["c0002"]
    assert c2.changed_files == ["AGENTS.md"] and successes(c2) == 8
    assert c2.gate is not None and c2.gate.status == "fail_closed"  # not better: 8/8 vs 8/8
    assert (c2.outcome, c2.rule, c2.best) == ("keep", "non-inferior-cheaper", "c0002")
    assert c2.reason.startswith("non-inferior-cheaper: ")
    ni, cost = c2.non_inferiority, c2.cost
    assert ni is not None and ni.status == "supported" and ni.claim == "c0002-non-inferior-to-c0001"
    assert ni.lower_bound == pytest.approx(-(1 - 0.025 ** (1 / 8)), abs=1e-6)
    assert cost is not None and cost.status == "supported" and cost.cheaper == 8
    assert cost.median_lower_bound is not None and cost.median_lower_bound > 0
    assert cost.child_total is not None and cost.parent_total is not None
    assert cost.child_total < cost.parent_total
    tsv = (optimized / "ledger.tsv").read_text().splitlines()
    row = dict(zip(tsv[0].split("\t"), tsv[3].split("\t"), strict=True))
    assert (row["candidate"], row["rule"], row["cost_status"]) == (
        "c0002",
        "non-inferior-cheaper",
        "supported",
    )
    assert row["non_inferiority_status"] == "supported" and float(row["cost_mean_saving"]) > 0
    # The held-out claim is decided for the final best.
    assert read_ledger(optimized)[-1].outcome == "heldout-best"
    assert read_ledger(optimized)[-1].candidate == "c0002"


def test_the_cost_rule_fails_closed(optimized: Path) -> None:
    c1 = load_evaluation(optimized, "candidates/c0001/evaluation/run", "success")
    c2 = load_evaluation(optimized, "candidates/c0002/evaluation/run", "success")
    dearer = compare_cost(c1, c2, cost="tokens", alpha=0.025, min_n=6)
    assert (dearer.status, dearer.reason, dearer.dearer) == ("fail_closed", "not_cheaper", 8)
    unpriced = compare_cost(c2, c1, cost="usd", alpha=0.025, min_n=6)
    assert (unpriced.status, unpriced.reason) == ("fail_closed", "cost_unknown")
    few = compare_cost(c2, c1, cost="tokens", alpha=0.025, min_n=9)
    assert (few.status, few.reason) == ("fail_closed", "insufficient_evidence")


def test_assay_report_writes_the_optimization_report(optimized: Path, tmp_path: Path) -> None:
    done = run_assay("report", str(optimized), "--out", str(tmp_path / "r"))
    assert done.returncode == 0, done.stderr
    md = (tmp_path / "r" / "report.md").read_text()
    assert "Harness optimization" in md and "### Held out" in md
    assert "| 2 | c0002 | c0001 | keep (non-inferior-cheaper) |" in md
    assert "| 3 | c0003 | c0002 | timeout |" in md
    assert "heldout-c0002-beats-c0000" in md
    html = (tmp_path / "r" / "report.html").read_text()
    assert "non-inferior-cheaper" in html and "<table" in html
    assert (tmp_path / "r" / "optimization-objective.png").stat().st_size > 1000
