"""Scratch folders that the sandbox's unprivileged uid can reach, removed afterwards."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


def scratch_root() -> Path:
    """Where scratch folders go: ``ASSAY_TMPDIR``, else the system's temporary folder."""
    return Path(os.environ.get("ASSAY_TMPDIR") or tempfile.gettempdir())


def run_scratch_prefix(run_root: Path) -> str:
    """The name prefix of a run directory's scratch folders (one per process that ran it).

    Derived from the run's absolute path, so whoever resumes the run (holding its lock, so
    no other process of the run is alive) can find what a killed one left behind.
    """
    tag = hashlib.sha256(str(run_root.resolve()).encode()).hexdigest()[:12]
    return f"assay-run-{tag}-"


def remove_orphans(prefix: str) -> list[Path]:
    """Remove scratch folders named ``prefix*`` (the caller knows their owner is gone)."""
    gone = sorted(p for p in scratch_root().glob(prefix + "*") if p.is_dir())
    for path in gone:
        shutil.rmtree(path, ignore_errors=True)
    return gone


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """Yield a private temporary folder that other uids may traverse (not list); remove it."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=scratch_root()))
    try:
        os.chmod(path, 0o711)  # the unprivileged uid must reach its run folder inside
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def give_tree(root: Path, uid: int) -> None:
    """Hand a whole folder tree to ``uid`` (the sandboxed process may then write in it)."""
    os.chown(root, uid, uid)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            os.chown(Path(dirpath) / name, uid, uid, follow_symlinks=False)
