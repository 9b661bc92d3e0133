"""With only the core package installed, every command helps and runs without a traceback.

A fresh virtualenv gets ``pip install .`` with no extras (offline, from the core wheel
folder: ``tests/support/core_venv.py``). The command tree is walked inside that venv, so
commands added later are covered too: each one's ``--help`` exits 0, and each is invoked
once on small inputs made here — a command that needs an extra exits 2 naming it, one
without a planned invocation is called with no arguments (usage: exit 0 or 2). The
number of processes is bounded by the number of commands.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.core_venv import make_core_venv

TASK = Path(__file__).resolve().parents[2] / "src/assay/suites/repair/window-sums"
QUICK = ["--suite", "repair", "--model", "scripted:builtin:repair-demo", "--tasks", "window-sums"]
# The command tree as the installed package has it (so later commands are walked too).
WALK = """
import json
from typer.main import get_command
from assay.cli.app import app
def walk(cmd, path):
    subs = getattr(cmd, "commands", None)
    if subs:
        for name in sorted(subs):
            yield from walk(subs[name], [*path, name])
    else:
        yield path
print(json.dumps([" ".join(p) for p in walk(get_command(app), [])]))
"""


@dataclass(frozen=True)
class Call:
    """One planned invocation: its arguments, exit code, and a word stderr must hold."""

    args: list[str]
    code: int
    says: str = ""


def planned(tmp: Path) -> dict[str, Call]:
    """The invocation of each command, on the inputs of ``tmp`` (``run``, ``pool``...)."""
    run, pool = str(tmp / "run"), str(tmp / "pool")
    stats = "assay[stats]"
    return {
        "agents check": Call(["nosuch"], 2, "unknown agent CLI"),
        "agents install": Call(["nosuch"], 2, "unknown agent CLI"),
        "agents list": Call(["--json"], 0),
        "artifacts write": Call([run], 0),
        "artifacts verify": Call([run, "--json"], 0),
        "attempt": Call(
            [str(TASK), "--model", "scripted:builtin:repair-demo", "--workdir", str(tmp / "a")],
            0,
        ),
        "audit": Call([str(tmp / "none")], 2, "neither a folder nor a bundled suite"),
        "calibrate": Call([pool, "--scorer", "public_tests"], 2, stats),
        "claims check": Call([run], 2, stats),
        "claims compare": Call([run, run, "--arm", "solo"], 2, stats),
        "claims evaluate": Call([str(tmp / "rows.csv"), "--treatment", "B", "--control", "A"], 2),
        "import humaneval": Call(["--out", str(tmp / "he")], 2, "assay[data]"),
        "import mbppplus": Call([str(tmp / "none.jsonl"), "--out", str(tmp / "mb")], 2),
        "judge": Call([run, "--judge-model", f"scripted:{tmp / 'none.toml'}"], 2),
        "manifest verify": Call([run], 0),
        "optimize": Call([str(tmp / "none.toml")], 2, "project file not found"),
        "pool build": Call([run, "--origin", "runs", "--out", pool], 0),
        "pool check": Call([pool], 0),
        "preflight": Call([str(tmp / "solo.toml"), "--json"], 0),
        "query": Call(["select 1", "--run", run], 2, stats),
        "release clean": Call([run, "--dry-run"], 1, ""),
        "release scan": Call([run], 1, ""),
        "report": Call([run, "--out", str(tmp / "report")], 2, stats),
        "rerank": Call([pool, "--scorer", "public_tests"], 2, stats),
        # The lint channel without ruff is refused (it would pass everything).
        "run": Call([*QUICK, "--conditions", "auto", "--out", str(tmp / "r2")], 2, "assay[lint]"),
        "runs list": Call([str(tmp), "--json"], 0),
        "serve": Call(["--script", str(tmp / "none.toml")], 2, "no such file"),
        "split": Call([pool], 1, "too few"),
        "stats compare": Call(["7/12", "11/12"], 2, stats),
        "sweep": Call(
            [
                str(tmp / "solo.toml"),
                "--param",
                "agents.loop.max_steps=12",
                "--out",
                str(tmp / "sweep"),
                "--quiet",
            ],
            0,
        ),
        "tasks check": Call([str(TASK)], 0),
        "tasks list": Call(["repair"], 0),
        "verify": Call([str(TASK), str(tmp / "ws"), "--json"], 0),
    }


# The order matters for these: the pool is built from the run, verified after it is indexed.
FIRST = ["pool build", "artifacts write"]

SOLO = """
schema = "assay.manifest.v1"
name = "core-solo"
suites = ["repair"]
tasks = ["window-sums"]
[[agents]]
id = "loop"
model = "scripted:builtin:repair-demo"
[[conditions]]
id = "solo"
"""


@pytest.fixture(scope="module")
def core(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """The core-only venv's bin folder and a folder of inputs (a one-attempt run among them)."""
    tmp = tmp_path_factory.mktemp("core")
    bin_dir = make_core_venv(tmp / "venv")
    inputs = tmp / "in"
    inputs.mkdir()
    (inputs / "solo.toml").write_text(SOLO)
    # The task's workspace with its reference solution: a candidate the gate passes.
    shutil.copytree(TASK / "workspace", inputs / "ws")
    shutil.copyfile(TASK / "solution" / "windows.py", inputs / "ws" / "windows.py")
    (inputs / "rows.csv").write_text("task,arm,attempt,value\nt1,A,1,0\nt1,B,1,1\n")
    done = _assay(bin_dir, ["run", *QUICK, "--conditions", "solo", "--out", str(inputs / "run")])
    assert done.returncode == 0, done.stderr
    yield bin_dir, inputs


def _assay(bin_dir: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / "assay"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=bin_dir.parent.parent,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(Path.home())},
    )


def test_only_the_core_is_installed(core: tuple[Path, Path]) -> None:
    bin_dir, _ = core
    optional = "('scipy', 'numpy', 'duckdb', 'matplotlib', 'ruff')"
    probe = f"import importlib.util as u; print([m for m in {optional} if u.find_spec(m)])"
    done = subprocess.run([str(bin_dir / "python"), "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "[]", done.stdout


def test_every_command_helps_and_runs_without_a_traceback(core: tuple[Path, Path]) -> None:
    bin_dir, inputs = core
    walked = subprocess.run(
        [str(bin_dir / "python"), "-c", WALK], capture_output=True, text=True, check=True
    )
    commands: list[str] = json.loads(walked.stdout)
    assert {"run", "report", "runs list", "stats compare"} <= set(commands)
    calls = planned(inputs)
    with ThreadPoolExecutor(max_workers=2) as pool:
        help_runs = pool.map(lambda c: _assay(bin_dir, [*c.split(), "--help"]), commands)
        helps = dict(zip(commands, help_runs, strict=True))
        for name in FIRST:
            ordered = _assay(bin_dir, [*name.split(), *calls[name].args])
            _check(name, calls[name], ordered)
        rest = [c for c in commands if c not in FIRST]
        results = pool.map(
            lambda c: _assay(bin_dir, [*c.split(), *(calls[c].args if c in calls else [])]), rest
        )
        for name, done in zip(rest, results, strict=True):
            _check(name, calls.get(name), done)
    for name, done in helps.items():
        assert done.returncode == 0, (name, done.stderr)
        assert "Traceback" not in done.stderr + done.stdout, name
        assert "Usage" in done.stdout, name


def _check(name: str, call: Call | None, done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout, (name, done.stderr)
    if call is None:  # a command without a planned invocation: its usage, no traceback
        assert done.returncode in (0, 2), (name, done.returncode, done.stderr)
        return
    assert done.returncode == call.code, (name, done.returncode, done.stderr[-2000:])
    assert call.says in done.stderr + done.stdout, (name, call.says, done.stderr)
    if call.code == 2:
        assert done.stderr.startswith("error: "), (name, done.stderr)
