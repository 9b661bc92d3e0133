"""``assay optimize`` end to end with a scripted proposer on four bundled repair tasks.

One optimization (module-scoped, through the real command line) plays a constructed case per
iteration: a no-op, a write outside ``allowed_write_paths``, a hung proposer, a crash, a
symlink, a change that helps on one task × seed only (the gate discards it although its
objective is strictly higher), and the known harness fix (kept). Its baseline harness holds
a symlink, and a setup command that makes a ``.venv`` and a symlink in every evaluation's
copy: none of them may reach a child. (The bundled example, run as the README shows, is
``bench/optimize_example.py``: 32 attempts, too slow for the suite.)
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from assay.optimize.ledger import read_ledger
from assay.records.optimize import CandidateRecord, GateVerdict, Objective
from assay.runner.builtin_scripts import HARNESS_FIX, harness_script
from assay.tasks.load import load_task
from assay.tasks.suite import BUNDLED_ROOT
from tests.conftest import run_assay

SEARCH = ["deep-merge", "interval-merge", "lru-cache", "money-rounding"]
HELDOUT = ["running-stats"]
LUCKY = "Trust your luck"
FIX = f"{HARNESS_FIX.capitalize()} the task describes, not only the visible examples.\n"
SETUP = (
    "import os; os.mkdir('.venv'); open('.venv/pyvenv.cfg', 'w').write('home = /usr');"
    " os.symlink('AGENTS.md', 'latest'); print('made .venv and latest')"
)

PROJECT = """
schema = "assay.optimize.v1"
name = "opt-test"

[harness]
baseline = "baseline"
allowed_write_paths = ["AGENTS.md", "harness.toml", "notes/**"]

[evaluation]
model = "scripted:agent.json"
config = {{ max_passes = 1, max_steps = 12 }}
metric = "success"
attempts = 2

[search]
suite = "repair"
tasks = {search}
seeds = 2

[heldout]
suite = "repair"
tasks = {heldout}
seeds = 1

[selection]
margin = 0.0
min_n = 6
reevaluate_incumbent = false

[proposer]
kind = "scripted"
script = "proposals.json"
timeout_s = {timeout}

[budget]
iterations = {iterations}
"""

PROPOSALS = [
    {"message": "nothing to change"},
    {"write": {"secret.txt": "outside the allowed paths\n"}},
    {"sleep_s": 30},
    {"exit_code": 3, "message": "failed"},
    {"write": {"notes/a.md": "a note\n"}, "symlink": {"notes/link": "/etc/passwd"}},
    {"write": {"AGENTS.md": LUCKY + "\n"}, "tokens": 40, "message": "trust your luck"},
    {"write": {"AGENTS.md": FIX}, "tokens": 50, "message": "told the agent to fix it"},
]


def agent_script() -> dict[str, Any]:
    """The example's agent, plus a variant that is right on one task × seed only (luck)."""
    tasks = [load_task(BUNDLED_ROOT / "repair" / t) for t in SEARCH + HELDOUT]
    script = harness_script(tasks)
    told = script["variants"][0]["tasks"]
    lucky = {"when_system_contains": LUCKY, "tasks": {"deep-merge@s1": told["deep-merge"]}}
    script["variants"] = [*script["variants"], lucky]
    return script


def write_project(
    folder: Path, *, proposals: list[dict[str, object]], iterations: int, timeout: float = 2
) -> Path:
    """A project folder: baseline harness (with a symlink and a setup), agent, proposals."""
    base = folder / "baseline"
    base.mkdir(parents=True)
    (base / "AGENTS.md").write_text("Make the failing tests pass.\n")
    (base / "harness.toml").write_text(f'setup = [["python3", "-c", {json.dumps(SETUP)}]]\n')
    os.symlink("/etc/hostname", base / "host-link")
    (folder / "agent.json").write_text(json.dumps(agent_script()))
    (folder / "proposals.json").write_text(
        json.dumps({"schema": "assay.proposals.v1", "proposals": proposals})
    )
    project = folder / "project.toml"
    project.write_text(
        PROJECT.format(
            search=json.dumps(SEARCH),
            heldout=json.dumps(HELDOUT),
            iterations=iterations,
            timeout=timeout,
        )
    )
    return project


@pytest.fixture(scope="module")
def optimized(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("opt")
    project = write_project(folder / "project", proposals=PROPOSALS, iterations=len(PROPOSALS))
    done = run_assay("optimize", str(project), "--out", str(folder / "out"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == str(folder / "out")
    return folder / "out"


def by_candidate(out: Path) -> dict[str, CandidateRecord]:
    return {r.candidate: r for r in read_ledger(out) if not r.outcome.startswith("heldout")}


def objective(line: CandidateRecord) -> Objective:
    assert line.objective is not None, line
    return line.objective


def gate(line: CandidateRecord) -> GateVerdict:
    assert line.gate is not None, line
    return line.gate


def test_each_constructed_proposal_gets_its_outcome(optimized: Path) -> None:
    ledger = read_ledger(optimized)
    outcomes = [(r.candidate, r.outcome) for r in ledger]
    assert outcomes == [
        ("c0000", "baseline"),
        ("c0001", "no-change"),
        ("c0002", "scope-violation"),
        ("c0003", "timeout"),
        ("c0004", "crash"),
        ("c0005", "scope-violation"),
        ("c0006", "discard"),
        ("c0007", "keep"),
        ("c0000", "heldout-baseline"),
        ("c0007", "heldout-best"),
    ]
    lines = by_candidate(optimized)
    assert lines["c0002"].changed_files == ["secret.txt"]
    assert "secret.txt" in lines["c0002"].reason
    assert lines["c0003"].usage.duration_s < 10  # the hung proposer was killed at 2 s
    assert lines["c0004"].usage.exit_code == 3
    # A symlink is never part of a harness, even under an allowed glob.
    assert lines["c0005"].changed_files == ["notes/a.md", "notes/link"]
    assert "symlinks ['notes/link']" in lines["c0005"].reason
    # Nothing unevaluated has an objective; every proposal's parent is the incumbent then.
    for cid in ("c0001", "c0002", "c0003", "c0004", "c0005"):
        assert lines[cid].objective is None and lines[cid].parent == "c0000"


def test_the_lucky_change_is_discarded_and_the_known_fix_kept(optimized: Path) -> None:
    lines = by_candidate(optimized)
    base, lucky, fix = lines["c0000"], lines["c0006"], lines["c0007"]
    assert (objective(base).successes, objective(base).attempts) == (0, 8)
    # Strictly better on its one evaluation (1/8 against 0/8): a noise-blind rule keeps it.
    assert objective(lucky).successes == 1 and objective(lucky).mean > objective(base).mean
    assert (gate(lucky).status, gate(lucky).reason) == ("fail_closed", "insufficient_evidence")
    assert lucky.best == "c0000" and lucky.reason.startswith("insufficient_evidence: ")
    assert lucky.changed_files == ["AGENTS.md"] and lucky.usage.tokens == 40
    # The fix: 8/8 against 0/8 over 8 task × seed units, supported, kept.
    assert objective(fix).successes == 8 and gate(fix).status == "supported"
    assert gate(fix).units == 8 and fix.parent == "c0000" and fix.best == "c0007"
    assert fix.changed_files == ["AGENTS.md"] and fix.usage.tokens == 50
    # What the evaluation spent is recorded; the unpriced scripted model's dollars are unknown.
    assert objective(fix).tokens > 0 and objective(fix).cost_usd is None
    board = json.loads((optimized / "leaderboard.json").read_text())
    assert board["best"] == "c0007" and board["finished"] is True
    assert [e["candidate"] for e in board["entries"]] == ["c0007", "c0006", "c0000"]
    proposal = optimized / "candidates" / "c0007" / "proposal"
    assert "+" + FIX.strip() in (proposal / "workspace.diff").read_text()
    assert json.loads((proposal / "change_manifest.json").read_text())["modified"] == ["AGENTS.md"]
    assert (proposal / "last_message.txt").read_text() == "told the agent to fix it"
    assert {"task.md", "parent_results.json", "environment.json", "prompt.txt"} <= set(
        os.listdir(proposal / "bundle")
    )
    # The parent's failures reached the proposer: 8 attempts, none successful.
    results = json.loads((proposal / "bundle" / "parent_results.json").read_text())
    assert len(results) == 8 and not any(r["success"] for r in results)
    # The evaluation is an ordinary run whose agent got AGENTS.md as its instructions.
    events = sorted(
        (optimized / "candidates" / "c0007" / "evaluation" / "run" / "events").iterdir()
    )
    first = json.loads(events[0].read_text().splitlines()[0])
    assert first["data"]["config"]["instructions"] == FIX


def test_heldout_is_in_the_ledger_tsv_and_report(optimized: Path) -> None:
    sides = {r.outcome: r for r in read_ledger(optimized) if r.outcome.startswith("heldout")}
    best = sides["heldout-best"]
    assert (objective(sides["heldout-baseline"]).successes, objective(best).successes) == (0, 1)
    assert gate(best).status == "fail_closed"  # one held-out unit can never support a claim
    assert gate(best).reason == "insufficient_evidence"
    tsv = (optimized / "ledger.tsv").read_text().splitlines()
    header = tsv[0].split("\t")
    assert header[:4] == ["candidate", "parent", "iteration", "outcome"]
    row = dict(zip(header, tsv[8].split("\t"), strict=True))
    assert (row["candidate"], row["outcome"], row["gate_status"]) == ("c0007", "keep", "supported")
    assert int(row["evaluation_tokens"]) > 0 and row["evaluation_cost_usd"] == ""
    assert len(tsv) == 11 and tsv[-1].split("\t")[3] == "heldout-best"
    report = (optimized / "report.md").read_text()
    assert "### Held out" in report and "heldout-c0007-beats-c0000" in report
    assert "| 6 | c0006 | c0000 | discard | 0.125 [0.022, 0.471] (1/8)" in report
    assert "| 7 | c0007 | c0000 | keep | 1.000 [0.676, 1.000] (8/8)" in report


def test_no_venv_or_symlink_from_an_evaluation_reaches_a_child(optimized: Path) -> None:
    # Each evaluation's setup made a .venv and a symlink in its throwaway copy...
    setup = optimized / "candidates" / "c0000" / "evaluation" / "setup" / "setup-0"
    assert "made .venv and latest" in (setup / "stdout.txt").read_text()
    # ...and the baseline folder itself held a symlink: none of it is in any workspace.
    for workspace in (optimized / "candidates").glob("c*/workspace"):
        names = {p.relative_to(workspace).as_posix() for p in workspace.rglob("*")}
        assert not {".venv", "latest", "host-link"} & names, (workspace, names)
        if workspace.parent.name != "c0005":  # the proposer's own symlink: scope-violation
            assert not any(p.is_symlink() for p in workspace.rglob("*")), workspace
    assert not (optimized / "candidates" / "c0000" / "evaluation" / "harness").exists()
    for line in read_ledger(optimized):
        assert not {".venv", "latest", "host-link"} & set(line.changed_files)
    assert "host-link" in by_candidate(optimized)["c0000"].reason


def test_a_killed_optimization_resumes_from_its_ledger(optimized: Path, tmp_path: Path) -> None:
    copy = tmp_path / "out"
    shutil.copytree(optimized, copy, symlinks=True)
    ledger = (copy / "ledger.jsonl").read_text().splitlines()
    # Killed while writing the held-out best's line: half a line, its run folder left.
    (copy / "ledger.jsonl").write_text("\n".join(ledger[:-1]) + "\n" + ledger[-1][:40])
    done = run_assay("optimize", "--resume", str(copy))
    assert done.returncode == 0, done.stderr
    again = read_ledger(copy)
    assert [r.outcome for r in again] == [r.outcome for r in read_ledger(optimized)]
    assert again[-1].gate == read_ledger(optimized)[-1].gate
    assert (copy / "ledger.jsonl").read_text().count("heldout-best") == 1


def test_a_resume_with_a_changed_project_is_refused(optimized: Path, tmp_path: Path) -> None:
    project = write_project(tmp_path / "p", proposals=PROPOSALS, iterations=1)
    done = run_assay("optimize", str(project), "--resume", str(optimized))
    assert done.returncode == 2
    assert "project.sha256" in done.stderr and "changed" in done.stderr
