"""Build a fresh verification folder from a candidate workspace and the pristine task.

The candidate's files are copied without following symlinks out of the workspace; protected
files, planted pytest configuration and interpreter start-up hooks are dropped; the public
tests (and protected files) come from the task folder, the hidden tests from ``tests/``.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from assay.tasks.load import Task

HIDDEN_DIR = "_assay_hidden"
# Files that change how pytest or the interpreter starts: never taken from a candidate.
_PLANTED_NAMES = frozenset(
    {
        "conftest.py",
        "pytest.ini",
        "sitecustomize.py",
        "usercustomize.py",
        ".pytest_cache",
    }
)
_PLANTED_SUFFIXES = (".pth", ".pyc", ".pyo")
_SKIP_DIRS = frozenset({"__pycache__", ".pytest_cache", ".git", HIDDEN_DIR})


@dataclass
class Staged:
    """What staging found in the candidate workspace."""

    root: Path
    test_files: list[str] = field(default_factory=list)
    """Test files to run, relative to ``root``: public first, then hidden."""
    dropped: list[str] = field(default_factory=list)
    escaped_links: list[str] = field(default_factory=list)
    protected_changed: list[str] = field(default_factory=list)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _candidate_files(workspace: Path, staged: Staged) -> dict[str, Path]:
    """Map relative path → real file for every regular file the candidate may contribute."""
    ws_real = workspace.resolve()
    found: dict[str, Path] = {}
    for dirpath, dirnames, filenames in os.walk(workspace, followlinks=False):
        base = Path(dirpath)
        for d in list(dirnames):
            if d in _SKIP_DIRS or (base / d).is_symlink():
                if (base / d).is_symlink():
                    staged.escaped_links.append((base / d).relative_to(workspace).as_posix())
                dirnames.remove(d)
        for name in filenames:
            full = base / name
            rel = full.relative_to(workspace).as_posix()
            if full.is_symlink():
                target = full.resolve()
                if not target.is_relative_to(ws_real) or not target.is_file():
                    staged.escaped_links.append(rel)
                    continue
                full = target
            elif not full.is_file():
                continue
            found[rel] = full
    return found


def stage(task: Task, workspace: Path, dest: Path, *, hidden: bool = True) -> Staged:
    """Fill the empty folder ``dest`` for one verification and report what was found."""
    staged = Staged(root=dest)
    files = _candidate_files(workspace, staged)
    for rel, src in sorted(files.items()):
        name = rel.rsplit("/", 1)[-1]
        if name in _PLANTED_NAMES or name.endswith(_PLANTED_SUFFIXES):
            staged.dropped.append(rel)
            continue
        if task.is_protected(rel):
            if rel not in task.protected_files:
                staged.protected_changed.append(f"added {rel}")
            continue
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, target)
    for rel in task.protected_files:
        pristine = task.workspace / rel
        if rel not in files:
            staged.protected_changed.append(f"deleted {rel}")
        elif _sha(files[rel]) != _sha(pristine):
            staged.protected_changed.append(f"modified {rel}")
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(pristine, target)
    staged.test_files = list(task.public_tests)
    if hidden:
        for rel in task.hidden_tests:
            target = dest / HIDDEN_DIR / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(task.hidden_dir / rel, target)
            staged.test_files.append(f"{HIDDEN_DIR}/{rel}")
    (dest / HIDDEN_DIR).mkdir(exist_ok=True)
    (dest / HIDDEN_DIR / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    return staged


def overlay(src: Path, dest: Path) -> None:
    """Copy every file of ``src`` over ``dest`` (used to lay a reference solution down)."""
    for dirpath, _, filenames in os.walk(src):
        for name in filenames:
            full = Path(dirpath) / name
            target = dest / full.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(full, target)


def lock_down(root: Path, test_files: list[str], owner: int | None) -> None:
    """Give the candidate's files to ``owner`` while tests and their folders stay root's.

    Folders that hold tests become sticky (mode 1777, root-owned), so the candidate may add
    files beside the tests but cannot replace or delete them mid-run.
    """
    if owner is None:
        return
    tests = {root / t for t in test_files} | {root / HIDDEN_DIR / "pytest.ini"}
    test_dirs = {p.parent for p in tests}
    for dirpath, _, filenames in os.walk(root):
        d = Path(dirpath)
        if d == root / HIDDEN_DIR:
            os.chmod(d, 0o755)
        elif d in test_dirs or d == root:
            os.chmod(d, 0o1777)
        else:
            os.chown(d, owner, owner)
        for name in filenames:
            f = d / name
            if f not in tests:
                os.chown(f, owner, owner)
