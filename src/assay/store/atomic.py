"""Whole-file writes that are all or nothing, and a full disk told apart from other errors.

Every whole file assay writes into a run directory goes through :func:`write_atomic`: the
bytes go to a temporary file in the same folder, are synced, and replace the target by a
rename, so a crash or a full disk leaves either the old file or the new one, never a cut one.
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assay.errors import DiskFull

FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
"""No space left, quota exceeded, file too large: the storage cannot take more bytes."""


def is_disk_full(exc: BaseException) -> bool:
    """Whether an exception says the storage is full (as opposed to any other failure)."""
    return isinstance(exc, OSError) and exc.errno in FULL_ERRNOS


@contextmanager
def full_disk_names(path: Path, run_dir: Path) -> Iterator[None]:
    """Turn a full-disk ``OSError`` raised inside into :class:`DiskFull` naming ``path``."""
    try:
        yield
    except OSError as exc:
        if is_disk_full(exc):
            raise DiskFull(str(path), str(run_dir)) from exc
        raise


def write_atomic(path: Path, data: str | bytes) -> None:
    """Replace ``path`` with ``data`` all at once: temporary file, fsync, rename, fsync folder.

    A failure (a full disk included) removes the temporary file and leaves ``path`` as it was.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    # The rename is durable only once the folder's entry is on disk.
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
