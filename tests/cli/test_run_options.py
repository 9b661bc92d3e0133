"""``assay run`` overrides, ``assay runs list``, ``--log-level``, ``ASSAY_*`` and completion.

One quick run (one task, condition solo, scripted model) is made per module with every
override given; the tests read its manifest and resume it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assay.errors import InputError
from assay.runner.overrides import parse_patterns, parse_settings
from tests.conftest import ASSAY, REPO, run_assay

OVERRIDES = [
    "--tasks",
    "window-*,lru-cache",
    "--limit",
    "1",
    "-M",
    "max_steps=12",
    "-M",
    "temperature=0.5",
    "--max-connections",
    "2",
    "--timeout",
    "900",
    "--review-model",
    "scripted:builtin:repair-review",
]
QUICK = ["--suite", "repair", "--model", "scripted:builtin:repair-demo", "--conditions", "solo"]


def _env_run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*ASSAY, *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


@pytest.fixture(scope="module")
def quick(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = tmp_path_factory.mktemp("options")
    done = _env_run(
        {"ASSAY_LOG_LEVEL": "info"},
        "run",
        *QUICK,
        *OVERRIDES,
        "--out",
        str(folder / "runs" / "q"),
        "--json",
        "--no-preflight",
    )
    assert done.returncode == 0, done.stderr
    return folder / "runs" / "q", done


def test_overrides_are_in_the_hashed_manifest(
    quick: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    run, done = quick
    out = json.loads(done.stdout)  # one JSON document, nothing else on stdout
    assert out["run_dir"] == str(run) and out["attempts"] == 1
    manifest = json.loads((run / "manifest.json").read_text())
    # window-sums and lru-cache match; the first one of the suite by id is kept.
    assert manifest["tasks"] == ["lru-cache"]
    assert manifest["agents"][0]["config"] == {"max_steps": 12, "temperature": 0.5}
    assert manifest["concurrency"]["model_connections"] == 2
    assert manifest["timeouts"]["attempt_s"] == 900.0
    assert manifest["review"] == {"kind": "llm", "model": "scripted:builtin:repair-review"}
    assert manifest["overrides"] == {
        "tasks": ["window-*", "lru-cache"],
        "limit": 1,
        "model_settings": {"max_steps": 12, "temperature": 0.5},
        "max_connections": 2,
        "timeout_s": 900.0,
        "review_model": "scripted:builtin:repair-review",
    }
    # --log-level info (from ASSAY_LOG_LEVEL) shows the runner's log on stderr only.
    assert "INFO assay.runner.execute: lru-cache" in done.stderr


def test_resume_keeps_the_recorded_overrides_and_refuses_others(
    quick: tuple[Path, subprocess.CompletedProcess[str]],
) -> None:
    run, _ = quick
    same = run_assay("run", "--resume", str(run), *OVERRIDES, "--json")
    assert same.returncode == 0, same.stderr
    assert json.loads(same.stdout)["attempts"] == 1
    changed = run_assay("run", "--resume", str(run), "--limit", "2")
    assert changed.returncode == 2 and "Traceback" not in changed.stderr
    assert "overrides_changed" in changed.stderr and "manifest.json" in changed.stderr


def test_a_pattern_that_selects_nothing_is_bad_input(tmp_path: Path) -> None:
    done = run_assay("run", *QUICK, "--tasks", "no-such-*", "--out", str(tmp_path / "r"))
    assert done.returncode == 2 and "no-such-*" in done.stderr and "--tasks" in done.stderr
    assert not (tmp_path / "r").exists()


def test_runs_list_reads_every_run_under_a_folder(
    quick: tuple[Path, subprocess.CompletedProcess[str]], tmp_path: Path
) -> None:
    run, _ = quick
    broken = run.parent / "broken"
    broken.mkdir(exist_ok=True)
    (broken / "manifest.sha256").write_text("0" * 64)
    before = sorted(p.name for p in run.iterdir())
    # The folder comes from ASSAY_RUNS_DIR when no argument is given.
    done = _env_run({"ASSAY_RUNS_DIR": str(run.parent)}, "runs", "list", "--json")
    assert done.returncode == 0, done.stderr
    rows = {Path(r["path"]).name: r for r in json.loads(done.stdout)}
    assert rows["q"]["experiment"] == "quick-repair"
    assert (rows["q"]["planned"], rows["q"]["recorded"], rows["q"]["complete"]) == (1, 1, True)
    assert rows["q"]["created"] and rows["q"]["problem"] is None
    assert rows["broken"]["problem"] and rows["broken"]["complete"] is False
    assert sorted(p.name for p in run.iterdir()) == before  # read-only
    text = run_assay("runs", "list", str(run.parent))
    assert "1/1 attempts  complete" in text.stdout and "unreadable" in text.stdout
    missing = run_assay("runs", "list", str(tmp_path / "none"))
    assert missing.returncode == 2 and "not a folder" in missing.stderr


def test_log_level_is_checked() -> None:
    done = _env_run({"ASSAY_LOG_LEVEL": "loud"}, "tasks", "list", "repair", "--json")
    assert done.returncode == 2 and "log-level" in done.stderr.lower()
    assert "Traceback" not in done.stderr


def test_completion_script_is_shown() -> None:
    done = run_assay("--show-completion", "bash")
    assert done.returncode == 0, done.stderr
    # The program name (here `python -m assay.cli`) names the variable; the console script
    # `assay` reads _ASSAY_COMPLETE.
    assert "COMPLETE=complete_bash" in done.stdout and "complete -o default" in done.stdout


def test_help_does_not_import_heavy_modules() -> None:
    probe = (
        "import sys; from typer.testing import CliRunner; from assay.cli.app import app;"
        " r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output;"
        " print(sorted({m.split('.')[0] for m in sys.modules}"
        " & {'numpy', 'scipy', 'duckdb', 'matplotlib', 'pydantic'}))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", done.stdout


_KEY = st.from_regex(r"[a-z_][a-z0-9_]{0,11}", fullmatch=True)
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12).filter(
    lambda t: t.strip() == t
)


@given(st.dictionaries(_KEY, st.integers() | st.booleans() | _TEXT, min_size=1, max_size=5))
def test_settings_parse_back_typed(settings: dict[str, object]) -> None:
    args = [f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in settings.items()]
    parsed = parse_settings(args)
    assert list(parsed) == list(settings)
    for key, value in settings.items():
        if isinstance(value, bool | int):
            assert parsed[key] == value and type(parsed[key]) is type(value)


@given(st.text(max_size=20))
def test_settings_never_crash(text: str) -> None:
    try:
        parsed = parse_settings([text])
    except InputError as exc:
        assert "-M" in str(exc)
    else:
        key, _, value = text.partition("=")
        assert list(parsed) == [key] and value.strip()


@given(st.lists(st.from_regex(r"[a-z0-9*?-]{1,10}", fullmatch=True), min_size=1, max_size=6))
def test_patterns_parse_back_in_order_once(items: list[str]) -> None:
    parsed = parse_patterns([",".join(items)])
    assert parsed == list(dict.fromkeys(items))
    assert parse_patterns(items) == parsed


@given(st.text(max_size=20))
def test_patterns_never_crash(text: str) -> None:
    try:
        parsed = parse_patterns([text])
    except InputError as exc:
        assert "--tasks" in str(exc)
    else:
        assert parsed and all(p and p == p.strip() and "," not in p for p in parsed)
