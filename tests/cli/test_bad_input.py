"""Bad input never gives a traceback: it names the file, the field, the problem and a fix.

Issue 19, item 14: thirteen inputs gave tracebacks (NaN and infinities in the manifest, an
unknown agent setting, ``--out`` naming a file, unreadable suites and task files, a missing,
folder-shaped or non-UTF-8 ``attempts.jsonl``, a missing ``manifest.json``) and
``stats compare`` with large counts ran out of memory after a minute.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, run_assay
from tests.support.rundir import manifest_text


def _bad_input(done: subprocess.CompletedProcess[str], *words: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("error: ") and "fix:" in done.stderr, done.stderr
    for word in words:
        assert word in done.stderr, (word, done.stderr)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished one-task run."""
    folder = tmp_path_factory.mktemp("bad-input")
    (folder / "m.toml").write_text(manifest_text(["window-sums"]))
    done = run_assay("run", str(folder / "m.toml"), "--out", str(folder / "run"), "--quiet")
    assert done.returncode == 0, done.stderr
    return folder / "run"


@pytest.mark.parametrize(
    ("edit", "field"),
    [
        (lambda t: t.replace("review = 10.0", "review = nan"), "costs.review"),
        (lambda t: t.replace("lint = 0.1", "lint = -inf"), "costs.lint"),
        (lambda t: t + "\n[utility]\nvalue = inf\n", "utility.value"),
        (lambda t: t + "\n[utility]\npenalty = nan\n", "utility.penalty"),
        (lambda t: t.replace("max_stale = 2 }", "max_stale = 2, bogus = 1 }"), "bogus"),
    ],
)
def test_bad_manifest_values(tmp_path: Path, edit: Callable[[str], str], field: str) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text(edit(manifest_text(["window-sums"])))
    _bad_input(run_assay("run", str(manifest), "--out", str(tmp_path / "r"), "--quiet"), field)


def test_run_out_naming_a_file(tmp_path: Path) -> None:
    manifest = tmp_path / "m.toml"
    manifest.write_text(manifest_text(["window-sums"]))
    (tmp_path / "afile").write_text("keep me\n")
    done = run_assay("run", str(manifest), "--out", str(tmp_path / "afile"), "--quiet")
    _bad_input(done, "afile")
    assert (tmp_path / "afile").read_text() == "keep me\n"


def test_report_out_naming_a_file(run: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("keep me\n")
    _bad_input(run_assay("report", str(run), "--out", str(tmp_path / "afile")), "afile")
    assert (tmp_path / "afile").read_text() == "keep me\n"


@pytest.fixture
def copy(run: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(run, tmp_path / "copy"))


def _attempts_missing(run: Path) -> None:
    (run / "attempts.jsonl").unlink()


def _attempts_folder(run: Path) -> None:
    (run / "attempts.jsonl").unlink()
    (run / "attempts.jsonl").mkdir()


def _attempts_binary(run: Path) -> None:
    with (run / "attempts.jsonl").open("ab") as fh:
        fh.write(b"\xff\xfe not utf-8\n")


@pytest.mark.parametrize("damage", [_attempts_missing, _attempts_folder, _attempts_binary])
@pytest.mark.parametrize(
    "command",
    [("report",), ("claims",), ("query", "select 1", "--run"), ("run", "--quiet", "--resume")],
)
def test_a_damaged_attempts_file(
    copy: Path, damage: Callable[[Path], None], command: tuple[str, ...]
) -> None:
    damage(copy)
    _bad_input(run_assay(*command, str(copy)), "attempts.jsonl")


def test_resume_without_manifest_json(copy: Path) -> None:
    (copy / "manifest.json").unlink()
    _bad_input(run_assay("run", "--resume", str(copy), "--quiet"), "manifest.json")


@pytest.fixture
def world_readable() -> Iterator[Path]:
    """A folder the unprivileged uid can enter (pytest's own tmp folders are private)."""
    folder = Path(tempfile.mkdtemp(prefix="assay-unreadable-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for p in [folder, *folder.rglob("*")]:
            p.chmod(0o755 if p.is_dir() else 0o644)
        shutil.rmtree(folder)


def _as_reader(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run assay as a user for whom a chmod 000 means something (root reads everything)."""
    user = 65534 if os.geteuid() == 0 else None
    return subprocess.run(
        [sys.executable, "-m", "assay.cli", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        user=user,
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), "HOME": str(cwd)},
    )


@pytest.mark.parametrize("target", ["suite", "suite/window-sums/task.toml"])
def test_unreadable_suite_or_task(task, world_readable: Path, target: str) -> None:
    shutil.copytree(task.root, world_readable / "suite" / "window-sums")
    for p in [world_readable / "suite", *(world_readable / "suite").rglob("*")]:
        p.chmod(0o755 if p.is_dir() else 0o644)
    (world_readable / target).chmod(0)
    done = _as_reader("tasks", "list", "suite", cwd=world_readable)
    _bad_input(done, "Permission denied")


@pytest.mark.parametrize(
    ("args", "approximated"),
    [
        (("500000000/1000000000", "600000000/1000000000"), {"fisher", "boschloo"}),
        (("500/1000", "600/1000"), {"boschloo"}),
        (("499999999999/1000000000000", "500000000000/1000000000000"), {"fisher", "boschloo"}),
        (("5000000/10000000", "5000001/10000000", "--paired", "1000000,1000001"), set()),
    ],
)
def test_stats_compare_with_large_counts_answers(
    args: tuple[str, ...], approximated: set[str]
) -> None:
    # Bounded by what is computed, not by a clock: above a documented size the exact tests
    # give way to approximations whose cost does not grow with the counts, and say so.
    done = run_assay("stats", "compare", *args, "--json")
    assert done.returncode == 0, done.stderr
    tests = json.loads(done.stdout)["tests"]
    assert {t["name"] for t in tests if t["approximation"]} == approximated
    assert all(0.0 <= t["pvalue"] <= 1.0 for t in tests)
