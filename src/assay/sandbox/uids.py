"""Unprivileged uids reserved machine-wide, one per sandbox slot.

RLIMIT_NPROC counts per uid across the whole machine, and a process may signal any other of
its uid. A slot's uid must therefore belong to that slot alone — not only within one assay
process but across every assay process on the machine (two runs, or a run and the test
suite, at once). A uid is reserved by holding an exclusive ``flock`` on a file named after
it; the kernel drops the lock when the holder exits, even on ``kill -9``, so a crashed run
never strands a uid.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import pwd
import tempfile
from pathlib import Path

FIRST_UID = 61000
LAST_UID = 65000
_held: dict[int, int] = {}
"""uid → the descriptor holding its lock (for this process's lifetime, or until released)."""


def _lock_folder() -> Path:
    # /run/lock is shared machine-wide and emptied on boot; a temp folder is the fallback.
    for base in (Path("/run/lock"), Path(tempfile.gettempdir())):
        folder = base / "assay-uids"
        with contextlib.suppress(OSError):
            folder.mkdir(mode=0o755, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
    raise OSError("no writable folder for uid locks (/run/lock or the temp folder)")


def _has_account(uid: int) -> bool:
    try:
        pwd.getpwuid(uid)
    except KeyError:
        return False
    return True


def reserve_uids(count: int) -> list[int]:
    """Reserve up to ``count`` uids without an account that no other process holds.

    Returns fewer (possibly none) when the range is exhausted or locks cannot be taken;
    the caller then shares a fallback uid and says so.
    """
    try:
        folder = _lock_folder()
    except OSError:
        return []
    out: list[int] = []
    for uid in range(FIRST_UID, LAST_UID):
        if len(out) == count:
            break
        if uid in _held or _has_account(uid):
            continue
        fd = os.open(folder / str(uid), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        _held[uid] = fd
        out.append(uid)
    return out


def release_uid(uid: int) -> None:
    """Give a reserved uid back (no-op for a uid this process does not hold)."""
    fd = _held.pop(uid, None)
    if fd is not None:
        os.close(fd)
