"""What crosses into a verification: the candidate's files, read once, within a quota.

Nothing is copied on the host as the candidate's files: they are read here (never following a
symlink, regular files only, each opened with ``O_NOFOLLOW`` and read up to the size checked
before) and sent to the candidate's sandbox, which writes them into its private ``/tmp``. The
whole workspace is measured first — bytes, files, depth, name length — and a workspace over
the quota is refused before anything is read. The tests come from the task folder only.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from assay.tasks.load import Task

HIDDEN_DIR = "_assay_hidden"
PLANTED_NAMES = frozenset(
    {"conftest.py", "pytest.ini", "sitecustomize.py", "usercustomize.py", ".pytest_cache"}
)
"""Files that change how pytest or the interpreter starts: never taken from a candidate."""
PLANTED_SUFFIXES = (".pth", ".pyc", ".pyo")
SKIP_DIRS = frozenset({"__pycache__", ".pytest_cache", ".git", HIDDEN_DIR})


@dataclass(frozen=True)
class Quota:
    """The most a workspace may hold to be verified."""

    bytes: int = 64 * 1024 * 1024
    files: int = 2000
    depth: int = 16
    name: int = 255


class OverQuota(ValueError):
    """The workspace is larger than the quota (nothing was read)."""


@dataclass
class Staging:
    """The candidate's files and what staging found on the way."""

    files: dict[str, bytes] = field(default_factory=dict)
    test_files: list[str] = field(default_factory=list)
    """Test files, relative to the test folder: public first, then hidden."""
    dropped: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    protected_changed: list[str] = field(default_factory=list)


def _walk(workspace: Path, quota: Quota, out: Staging) -> dict[str, int]:
    """Every regular file's relative path and apparent size, measured before any read."""
    found: dict[str, int] = {}
    total = 0
    todo: list[tuple[str, int]] = [("", 0)]
    while todo:
        rel_dir, depth = todo.pop()
        if depth > quota.depth:
            raise OverQuota(f"folders nested deeper than {quota.depth}")
        with os.scandir(workspace / rel_dir if rel_dir else workspace) as it:
            entries = sorted(it, key=lambda e: e.name)
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            if len(entry.name.encode(errors="surrogateescape")) > quota.name:
                raise OverQuota(f"a name longer than {quota.name} bytes")
            st = entry.stat(follow_symlinks=False)
            if stat.S_ISLNK(st.st_mode):
                out.links.append(rel)
            elif stat.S_ISDIR(st.st_mode):
                if entry.name not in SKIP_DIRS:
                    todo.append((rel, depth + 1))
            elif stat.S_ISREG(st.st_mode):
                found[rel] = st.st_size
                total += st.st_size
                if len(found) > quota.files:
                    raise OverQuota(f"more than {quota.files} files")
                if total > quota.bytes:
                    raise OverQuota(f"more than {quota.bytes // (1024 * 1024)} MiB")
    return found


def _read(path: Path, size: int) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is not a regular file")
        chunks, left = [], size
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def candidate_files(
    task: Task, workspace: Path, *, hidden: bool, quota: Quota = Quota()
) -> Staging:
    """Read the candidate's files; protected files come from the task, tests never from it.

    Raises :class:`OverQuota` when the workspace is too large to verify.
    """
    out = Staging()
    sizes = _walk(workspace, quota, out)
    public = set(task.public_tests)
    for rel, size in sizes.items():
        name = rel.rsplit("/", 1)[-1]
        if name in PLANTED_NAMES or name.endswith(PLANTED_SUFFIXES):
            out.dropped.append(rel)
        elif task.is_protected(rel):
            if rel not in task.protected_files:
                out.protected_changed.append(f"added {rel}")
        else:
            out.files[rel] = _read(workspace / rel, size)
    for rel in task.protected_files:
        pristine = (task.workspace / rel).read_bytes()
        if rel not in sizes:
            out.protected_changed.append(f"deleted {rel}")
        elif _read(workspace / rel, sizes[rel]) != pristine:
            out.protected_changed.append(f"modified {rel}")
        if rel not in public:
            out.files[rel] = pristine
    out.test_files = list(task.public_tests)
    if hidden:
        out.test_files += [f"{HIDDEN_DIR}/{rel}" for rel in task.hidden_tests]
    return out


def write_tests(task: Task, dest: Path, test_files: list[str]) -> None:
    """Lay the pristine tests into ``dest`` (the test process's folder): task files only."""
    for rel in test_files:
        src = (
            task.hidden_dir / rel.removeprefix(HIDDEN_DIR + "/")
            if rel.startswith(HIDDEN_DIR + "/")
            else task.workspace / rel
        )
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(src.read_bytes())
    (dest / HIDDEN_DIR).mkdir(parents=True, exist_ok=True)
    (dest / HIDDEN_DIR / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")


def module_names(files: dict[str, bytes], test_files: list[str]) -> list[str]:
    """The top-level importable names the candidate's files define."""
    names: set[str] = set()
    tests = set(test_files)
    for rel in files:
        if rel in tests:
            continue
        top = rel.split("/", 1)[0]
        stem = top.removesuffix(".py")
        if ("/" in rel or top.endswith(".py")) and stem.isidentifier():
            names.add(stem)
    return sorted(names)
