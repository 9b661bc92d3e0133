"""The stagnation study on the bundled kits, with the scripted kits trajectories.

One sweep over three context budgets (elision off) on a graph kit and the unsatisfiable
``stuck`` kit, and single attempts with elision on: under the tight budget elision-on
completes where elision-off stagnates, ``stuck`` stagnates in every arm, and the report
has its Stagnation section. Work is bounded by counts (passes, steps), never by time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assay.records.outcome import EXIT_CODES
from assay.results.passes import passes_of
from assay.results.runs import load_run
from tests.conftest import run_assay

KITS = Path(__file__).resolve().parents[2] / "src" / "assay" / "suites" / "kits"
TIGHT = 900
"""Words of context per pass: the graph kit's reads alone pass it; with elision they do not."""

MANIFEST = """\
schema = "assay.manifest.v1"
name = "kits-study"
suites = ["kits"]
tasks = ["graph-kit", "stuck"]
seeds = 1

[[agents]]
id = "loop"
model = "scripted:builtin:kits"
config = { max_passes = 5, max_steps = 30, max_stale = 2, elide_passing = false }

[[conditions]]
id = "solo"

[concurrency]
attempts = 2
"""


@pytest.fixture(scope="module")
def sweep_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sweep")
    manifest = root / "kits.toml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    out = root / "run"
    done = run_assay(
        "sweep",
        str(manifest),
        "--param",
        f"agents.loop.ctx_limit={TIGHT},2000,8000",
        "--out",
        str(out),
        "--quiet",
        "--no-preflight",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return out


def test_sweep_writes_one_run_with_three_preregistered_arms(sweep_run: Path) -> None:
    manifest = json.loads((sweep_run / "manifest.json").read_text(encoding="utf-8"))
    ids = [a["id"] for a in manifest["agents"]]
    assert ids == [f"loop.ctx_limit-{v}" for v in (TIGHT, 2000, 8000)]
    assert manifest["sweep"] == [
        {"agent": "loop", "key": "ctx_limit", "values": [TIGHT, 2000, 8000]}
    ]
    run = load_run(sweep_run)
    outcome = {(r.task_id, r.agent_id): r.outcome for r in run.records}
    assert len(outcome) == 6
    assert outcome[("graph-kit", f"loop.ctx_limit-{TIGHT}")] == "stagnated"
    assert outcome[("graph-kit", "loop.ctx_limit-2000")] == "completed"
    assert outcome[("graph-kit", "loop.ctx_limit-8000")] == "completed"
    assert {o for (task, _), o in outcome.items() if task == "stuck"} == {"stagnated"}


def test_tight_budget_passes_read_and_never_write(sweep_run: Path) -> None:
    run = load_run(sweep_run)
    (tight,) = [
        r for r in run.records if r.task_id == "graph-kit" and r.agent_id.endswith(str(TIGHT))
    ]
    rows = passes_of(tight, sweep_run)
    assert [p.reason for p in rows] == ["context"] * len(rows)
    assert all(p.writes == 0 and p.reads == 13 and p.elided_reads == 0 for p in rows)
    assert tight.load_act_ratio is None and tight.elided_reads == 0


def test_report_has_the_stagnation_section(sweep_run: Path, tmp_path: Path) -> None:
    done = run_assay("report", str(sweep_run), "--out", str(tmp_path / "r"))
    assert done.returncode == 0, done.stderr[-2000:]
    text = (tmp_path / "r" / "report.md").read_text(encoding="utf-8")
    section = text.split("## Stagnation", 1)[1].split("\n## ", 1)[0]
    tight_row = next(line for line in section.splitlines() if f"ctx_limit-{TIGHT}" in line)
    cells = [c.strip() for c in tight_row.strip("|").split("|")]
    # condition, agent, model, ctx_limit, elision, completed, stagnated, ...
    assert cells[3:7] == [str(TIGHT), "off", "0", "2"]


def test_passes_table_is_queryable(sweep_run: Path) -> None:
    done = run_assay(
        "query",
        "select sum(reads), sum(writes), count(*) from passes where agent_id like '%-8000'"
        " and task_id = 'graph-kit'",
        "--run",
        str(sweep_run),
        "--json",
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (row,) = json.loads(done.stdout)
    assert list(row.values()) == [13, 2, 1]


@pytest.mark.parametrize(
    ("task", "config", "outcome"),
    [
        ("graph-kit", ["elide_passing=true"], "completed"),
        ("stuck", ["elide_passing=true"], "stagnated"),
    ],
)
def test_attempt_with_elision_under_the_tight_budget(
    task: str, config: list[str], outcome: str, tmp_path: Path
) -> None:
    extra = [a for c in [*config, f"ctx_limit={TIGHT}", "max_stale=2"] for a in ("--config", c)]
    done = run_assay(
        "attempt",
        str(KITS / task),
        "--model",
        "scripted:builtin:kits",
        *extra,
        "--workdir",
        str(tmp_path / "run"),
    )
    assert done.returncode == EXIT_CODES[outcome], done.stderr[-2000:]
    assert "pass 0" in done.stderr  # live progress
    (record,) = load_run(tmp_path / "run").records
    assert record.outcome == outcome
    if outcome == "completed":
        (only,) = passes_of(record, tmp_path / "run")
        assert only.elided_reads == 7 and only.writes == 2 and only.reason == "completed"


def test_attempt_bad_input_exits_2(tmp_path: Path) -> None:
    bad = run_assay("attempt", str(KITS / "stuck"), "--model", "scripted:x", "--config", "nokey")
    assert bad.returncode == 2 and "--config" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_assay("attempt", str(tmp_path / "nowhere"), "--model", "scripted:x")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


def test_sweep_of_an_unknown_agent_exits_2(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text(MANIFEST, encoding="utf-8")
    done = run_assay("sweep", str(manifest), "--param", "agents.nobody.ctx_limit=1,2")
    assert done.returncode == 2 and "nobody" in done.stderr and "Traceback" not in done.stderr


def test_attempt_interrupted_by_ctrl_c_exits_5(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    argv = [sys.executable, "-m", "assay.cli", "attempt", str(KITS / "stuck")]
    options = ["--model", "scripted:builtin:kits", "--config", "max_passes=50"]
    proc = subprocess.Popen(
        [*argv, *options, "--config", "max_stale=40", "--workdir", str(tmp_path / "run")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # bounded by events: the live progress of pass 1
        if line.startswith("pass 1"):
            proc.send_signal(signal.SIGINT)
            break
    out, _ = proc.communicate(timeout=300)
    assert proc.returncode == EXIT_CODES["interrupted"] == 5, out
    (record,) = load_run(tmp_path / "run").records
    assert record.outcome == "interrupted" and record.pass_reasons[-1][-1] == "interrupted"
