"""A task folder's fingerprint: the sha256 of every file in it, and one digest over them."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from assay.errors import InputError

_CACHES = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})


def file_digests(root: Path) -> dict[str, str]:
    """Every file under ``root`` (POSIX path relative to it) → its sha256.

    Caches and bytecode are left out (running the tests writes them); a symlink is recorded
    by its target, so re-pointing one is a change too.
    """
    out: dict[str, str] = {}
    try:
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in _CACHES)
            base = Path(dirpath)
            for name in filenames:
                if name.endswith(".pyc"):
                    continue
                full = base / name
                rel = full.relative_to(root).as_posix()
                if full.is_symlink():
                    out[rel] = "symlink:" + os.readlink(full)
                else:
                    out[rel] = hashlib.sha256(full.read_bytes()).hexdigest()
    except OSError as exc:
        raise InputError.single(
            root, "", f"cannot read the task folder: {exc}", "make every file readable"
        ) from None
    return dict(sorted(out.items()))


def folder_digest(files: dict[str, str]) -> str:
    """One sha256 over a folder's file digests (paths included, in path order)."""
    h = hashlib.sha256()
    for rel, sha in sorted(files.items()):
        h.update(rel.encode() + b"\0" + sha.encode() + b"\n")
    return h.hexdigest()
