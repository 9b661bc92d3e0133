"""Paths named by a task stay inside its folder: relative, no ``..``, no symlink out."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from assay.errors import InputError

OUTSIDE = "is outside the task folder (an absolute path, '..', or a symlink out of it)"
FIX = "keep the file in the task folder and name it relative to task.toml"


def confined(root: Path, rel: str) -> bool:
    """Whether ``root / rel`` is inside ``root`` once every symlink is resolved.

    Absolute paths and ``..`` are refused outright, even when they would lead back in: a
    task is a self-contained folder, and its file names say so.
    """
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or "\\" in rel or "\0" in rel:
        return False
    try:
        target = (root / rel).resolve()
    except (OSError, RuntimeError):  # a symlink loop, an unreadable folder
        return False
    return target.is_relative_to(root.resolve())


def read_confined(root: Path, rel: str, *, field: str) -> str:
    """Read a task's text file, checking again that it is inside the task folder.

    The check is repeated at read time because the file may have been swapped for a
    symlink since the task was loaded; what is read is sent to a model.
    """
    if not confined(root, rel):
        raise InputError.single(root / "task.toml", field, f"{rel!r} {OUTSIDE}", FIX)
    return (root / rel).read_text(encoding="utf-8")
