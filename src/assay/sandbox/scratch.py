"""Scratch folders that the sandbox's unprivileged uid can reach, removed afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def scratch_dir(prefix: str) -> Iterator[Path]:
    """Yield a private temporary folder that other uids may traverse (not list); remove it."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=os.environ.get("ASSAY_TMPDIR")))
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
