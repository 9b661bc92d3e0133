"""Scratch folders in memory where the machine has a tmpfs.

Run folders come and go by the thousand; on a disk file system (ext4 with ``discard`` here)
removing one costs about 3 ms, on a tmpfs a few microseconds.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SHM = "/dev/shm"


def fast_tmp() -> str | None:
    """``ASSAY_TMPDIR`` if set, else ``/dev/shm`` if writable, else the system default."""
    if os.environ.get("ASSAY_TMPDIR"):
        return os.environ["ASSAY_TMPDIR"]
    return _SHM if os.path.isdir(_SHM) and os.access(_SHM, os.W_OK | os.X_OK) else None


@contextmanager
def fast_scratch(prefix: str) -> Iterator[Path]:
    """A private temporary folder (traversable by other uids), in memory when possible."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=fast_tmp()))
    try:
        os.chmod(path, 0o711)
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
