"""A harness folder on disk: copied as regular files only, snapshotted, compared.

Symlinks are never followed (a copy skips them; a snapshot lists them apart), and the
by-products an evaluator or a proposer leaves behind (virtualenvs, caches, the instruction
bundle) are never copied into a child, so they can neither leak nor look like a change.
"""

from __future__ import annotations

import difflib
import fnmatch
import hashlib
import os
import shutil
import stat
from dataclasses import dataclass, field
from pathlib import Path

BUNDLE_DIR = ".optimize"
"""The instruction bundle inside a child's workspace while the proposer runs."""
BYPRODUCTS = frozenset(
    {".venv", "venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "node_modules"}
)
"""Folder names never copied and never compared (anything an evaluator or tool creates)."""
_SKIP_FILES = (".pyc", ".pyo")


@dataclass(frozen=True)
class Snapshot:
    """The regular files of a folder (relative path → sha256) and its symlinks, apart."""

    files: dict[str, str]
    symlinks: list[str] = field(default_factory=list)


def _skipped(rel: str) -> bool:
    parts = rel.split("/")
    return (
        parts[0] == BUNDLE_DIR or any(p in BYPRODUCTS for p in parts) or rel.endswith(_SKIP_FILES)
    )


def _walk(root: Path) -> tuple[list[str], list[str]]:
    """Regular files and symlinks under ``root`` (sorted, relative), never following links."""
    files: list[str] = []
    links: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        keep = []
        for name in sorted(dirnames):
            rel = (base / name).relative_to(root).as_posix()
            if (base / name).is_symlink():
                links.append(rel)
            elif not _skipped(rel):
                keep.append(name)
        dirnames[:] = keep
        for name in sorted(filenames):
            full = base / name
            rel = full.relative_to(root).as_posix()
            if _skipped(rel):
                continue
            mode = os.lstat(full).st_mode
            if stat.S_ISLNK(mode):
                links.append(rel)
            elif stat.S_ISREG(mode):
                files.append(rel)
    return sorted(files), sorted(links)


def snapshot(root: Path) -> Snapshot:
    """Hash every regular file under ``root`` (by-products and the bundle left out)."""
    files, links = _walk(root)
    return Snapshot(
        files={rel: hashlib.sha256((root / rel).read_bytes()).hexdigest() for rel in files},
        symlinks=links,
    )


def copy_regular(src: Path, dest: Path) -> list[str]:
    """Copy the regular files of ``src`` into a new ``dest``; return the symlinks skipped."""
    files, links = _walk(src)
    dest.mkdir(parents=True, exist_ok=False)
    for rel in files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / rel, target, follow_symlinks=False)
    return links


def remove_tree(path: Path) -> None:
    """Remove a folder without following any symlink inside it."""
    if path.is_symlink():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


@dataclass(frozen=True)
class Change:
    """How a child differs from its parent."""

    added: list[str]
    modified: list[str]
    deleted: list[str]
    symlinks: list[str]
    """Symlinks in the child (never part of a harness: a scope violation)."""

    @property
    def paths(self) -> list[str]:
        """Every changed path, sorted."""
        return sorted({*self.added, *self.modified, *self.deleted, *self.symlinks})


def compare(parent: Snapshot, child: Snapshot) -> Change:
    """The child's changes against its parent (on contents, never on times)."""
    before, after = parent.files, child.files
    return Change(
        added=sorted(set(after) - set(before)),
        modified=sorted(p for p in set(after) & set(before) if after[p] != before[p]),
        deleted=sorted(set(before) - set(after)),
        symlinks=sorted(child.symlinks),
    )


def outside(paths: list[str], globs: list[str]) -> list[str]:
    """The paths no glob of ``globs`` allows."""
    return [p for p in paths if not any(fnmatch.fnmatchcase(p, g) for g in globs)]


def unified_diff(parent: Path, child: Path, change: Change) -> str:
    """A unified diff of the changed regular files (binary files named, not shown)."""
    out: list[str] = []
    for rel in [*change.added, *change.modified, *change.deleted]:
        old = _lines(parent / rel) if rel not in change.added else []
        new = _lines(child / rel) if rel not in change.deleted else []
        if old is None or new is None:
            out.append(f"Binary file {rel} changed\n")
            continue
        out.extend(difflib.unified_diff(old, new, f"a/{rel}", f"b/{rel}"))
    for rel in change.symlinks:
        out.append(f"Symlink {rel} (not followed, not part of the harness)\n")
    return "".join(out)


def _lines(path: Path) -> list[str] | None:
    try:
        return path.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return None
