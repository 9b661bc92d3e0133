"""``assay run`` with CLI agents: manifests with ``kind = "cli:NAME"`` under conditions, the
``--agent cli:NAME`` quick run, and ``assay agents list/install/check``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from assay.tasks.suite import BUNDLED_ROOT
from tests.conftest import run_assay
from tests.support.cli_agents import ensure_installed
from tests.support.rundir import check_run_dir

MANIFEST = """
schema = "assay.manifest.v1"
name = "cli"
suites = ["repair"]
tasks = ["window-sums"]

[[agents]]
id = "pi"
kind = "cli:pi"
model = "scripted:{script}"
config = {{ timeout_s = 120 }}

[[conditions]]
id = "solo"

[[conditions]]
id = "auto"
channels = ["public-tests"]
max_retries = 1

[costs]
public-tests = 0.5
"""


def test_conditions_retry_a_cli_with_feedback_and_the_run_records_it(tmp_path: Path) -> None:
    ensure_installed("pi")
    fix = (BUNDLED_ROOT / "repair" / "window-sums" / "solution" / "windows.py").read_text()
    wrong = "def window_sums(values, size):\n    return []\n"
    turns = [
        {"action": {"write": {"path": "windows.py", "content": wrong}}},
        {"action": {"finish": "Done."}},
        {"action": {"write": {"path": "windows.py", "content": fix}}},
        {"action": {"finish": "Fixed after feedback."}},
    ]
    script = tmp_path / "s.json"
    script.write_text(json.dumps({"schema": "assay.script.v1", "tasks": {"window-sums": turns}}))
    manifest = tmp_path / "m.toml"
    manifest.write_text(MANIFEST.format(script=script))
    done = run_assay("run", str(manifest), "--out", str(tmp_path / "r"), "--quiet")
    assert done.returncode == 0, done.stderr
    records = {r.condition: r for r in check_run_dir(tmp_path / "r", 2)}
    solo, auto = records["solo"], records["auto"]
    assert (solo.outcome, solo.success, solo.rounds) == ("budget", False, 1)
    assert (auto.outcome, auto.success, auto.rounds, auto.retries) == ("completed", True, 2, 1)
    assert auto.model_calls == 4 and auto.tokens.prompt > 0 and auto.tool_counts["write_file"] == 2
    events = [json.loads(line) for line in (tmp_path / "r" / auto.events).read_text().splitlines()]
    kinds = [e["kind"] for e in events]
    assert kinds.count("cli_run") == 2 and "retry" in kinds and "interrupt" in kinds
    runs = [e["data"]["artifacts"] for e in events if e["kind"] == "cli_run"]
    assert all((tmp_path / "r" / r / "stdout.txt").is_file() for r in runs)


def test_quick_run_with_agent_cli_name(tmp_path: Path) -> None:
    ensure_installed("codex")
    suite = tmp_path / "suite"
    shutil.copytree(BUNDLED_ROOT / "repair" / "window-sums", suite / "window-sums")
    done = run_assay(
        "run",
        "--suite",
        str(suite),
        "--agent",
        "cli:codex",
        "--model",
        "scripted:builtin:repair-demo",
        "--conditions",
        "solo,auto",
        "--out",
        str(tmp_path / "r"),
        "--quiet",
    )
    assert done.returncode == 0, done.stderr
    records = check_run_dir(tmp_path / "r", 2)
    assert {r.agent_id for r in records} == {"cli:codex"}
    assert all(r.model_calls > 0 and r.verdict is not None for r in records)


def test_unknown_or_misconfigured_cli_agents_are_bad_input(tmp_path: Path) -> None:
    common = ["--suite", "repair", "--model", "scripted:builtin:repair-demo", "--out"]
    done = run_assay("run", "--agent", "cli:nope", *common, str(tmp_path / "a"), "--quiet")
    assert done.returncode == 2 and "unknown agent CLI" in done.stderr
    manifest = tmp_path / "m.toml"
    manifest.write_text(
        MANIFEST.format(script="builtin:repair-demo").replace("timeout_s = 120", "timeout = 1")
    )
    done = run_assay("run", str(manifest), "--out", str(tmp_path / "b"), "--quiet")
    assert done.returncode == 2 and "timeout" in done.stderr


def test_agents_list_install_and_check(tmp_path: Path) -> None:
    for name in ("pi", "aider"):
        ensure_installed(name)
    listed = run_assay("agents", "list", "--json")
    rows = json.loads(listed.stdout)  # one JSON document
    assert listed.returncode == 0 and len(rows) == 8
    assert {r["name"] for r in rows} >= {
        "codex",
        "claude",
        "gemini",
        "opencode",
        "pi",
        "qwen",
        "mini-swe-agent",
        "aider",
    }
    assert all(r["version"] for r in rows if r["installed"])
    again = run_assay("agents", "install", "pi")
    assert again.returncode == 0 and "cached" in again.stdout
    checked = run_assay("agents", "check", "pi", "aider", "--keep", str(tmp_path / "logs"))
    assert checked.returncode == 0, checked.stderr
    assert checked.stdout.count(": ok (") == 2 and "endpoint-only" in checked.stdout
    assert list((tmp_path / "logs" / "artifacts").rglob("stdout.txt"))
    assert run_assay("agents", "check", "nope").returncode == 2
