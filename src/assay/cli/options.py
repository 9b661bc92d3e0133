"""Checks of command-line options shared by several commands."""

from __future__ import annotations

from pathlib import Path

from assay.errors import InputError


def output_folder(path: Path, option: str) -> Path:
    """``path`` if a folder can be there (it is one, or nothing is); else bad input.

    Checked before anything runs, so ``--out`` naming a file (or a path through one) is
    a clear error instead of a traceback after the work is done.
    """
    for p in (path, *path.parents):
        if p.exists() or p.is_symlink():
            if not p.is_dir():
                what = "is a file" if p == path else f"goes through {p}, which is a file"
                raise InputError.single(
                    path, option, f"{what}, not a folder", f"give {option} a folder's path"
                )
            break
    return path
