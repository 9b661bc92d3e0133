"""Append-only JSON-lines files of a run directory: synced appends, a cut tail repaired.

``attempts.jsonl`` and ``judgments.jsonl`` grow a line at a time. Each line is written with
one unbuffered ``write`` loop and synced before the call returns; a failed write is cut back,
so no later line ever follows half a line. A crash can still leave a last line without its
newline: only the writer holding the run's lock cuts it (:func:`repair_tail`), and readers
ignore it (:func:`committed_lines`).
"""

from __future__ import annotations

import os
from pathlib import Path

from assay.errors import InputError
from assay.store.atomic import full_disk_names


def repair_tail(path: Path) -> int:
    """Cut a final line left without its newline by a crash; return the bytes dropped."""
    if not path.is_file():
        return 0  # missing or not a file: reading the records says so, as bad input
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return 0
    keep = data.rfind(b"\n") + 1
    with path.open("r+b") as fh:
        fh.truncate(keep)
        fh.flush()
        os.fsync(fh.fileno())
    return len(data) - keep


def committed_lines(path: Path, what: str = "the attempt records") -> list[tuple[int, str]]:
    """The complete lines of an append-only file, numbered; a cut last line is not one."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError.single(
            path, "", f"cannot read {what}: {exc}", "restore the file from a backup"
        ) from None
    out = []
    for n, raw in enumerate(data.split(b"\n")[:-1], start=1):
        try:
            out.append((n, raw.decode("utf-8")))
        except UnicodeDecodeError:
            raise InputError.single(
                path, f"line {n}", "not UTF-8 text", "restore the file from a backup"
            ) from None
    return out


def append_synced(path: Path, line: str, run_root: Path) -> None:
    """Append ``line`` (ending in a newline) to ``path``, synced before returning.

    The file is created if missing. A failed write is undone (the file is cut back to where
    it was); a full disk raises :class:`~assay.errors.DiskFull` naming ``path``.
    """
    data = line.encode("utf-8")
    with full_disk_names(path, run_root):
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            start = os.lseek(fd, 0, os.SEEK_END)
            try:
                view = memoryview(data)
                while view:  # unbuffered: nothing is left to be written on close
                    view = view[os.write(fd, view) :]
                os.fsync(fd)
            except OSError:
                os.ftruncate(fd, start)
                raise
        finally:
            os.close(fd)
