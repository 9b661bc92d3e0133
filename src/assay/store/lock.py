"""One writer at a time per run directory: an exclusive ``flock`` on ``DIR/.lock``.

Every command that writes into a run directory (``assay run``, ``assay run --resume``, a
claims look recorded to the ledger) holds the lock for as long as it writes. A second writer
does not wait: it stops with exit 2, naming the holder's pid, command and start time, which
the holder writes into the lock file. The kernel drops the lock when its holder exits, even
by ``kill -9``, so a stale lock file never blocks anyone.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Final

from assay.errors import InputError
from assay.store.atomic import full_disk_names

LOCK: Final = ".lock"
"""The lock file, relative to the run directory."""


def _holder(fh: IO[bytes]) -> str:
    """Who holds the lock, as its file says (best effort: the holder may be writing it)."""
    fh.seek(0)
    try:
        info = json.loads(fh.read() or b"{}")
    except ValueError:
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "another assay process (its pid is not written yet)"
    return (
        f"pid {info.get('pid')} ({info.get('purpose', '?')}, started {info.get('started_at', '?')})"
    )


class RunLock:
    """The exclusive lock of one run directory, held from :meth:`acquire` to :meth:`release`."""

    def __init__(self, root: Path, purpose: str) -> None:
        self.root = root
        self.purpose = purpose
        self._fh: IO[bytes] | None = None

    @property
    def held(self) -> bool:
        """Whether this process holds the lock now."""
        return self._fh is not None

    def acquire(self) -> RunLock:
        """Take the lock or raise :class:`InputError` naming who holds it."""
        path = self.root / LOCK
        # Opened without truncating: the holder's details stay readable until we own it.
        try:
            with full_disk_names(path, self.root):
                # Unbuffered: nothing is left to flush (and fail on a full disk) at close.
                fh = path.open("a+b", buffering=0)
        except OSError as exc:
            raise InputError.single(
                self.root,
                "",
                f"cannot open its lock file {LOCK}: {exc.strerror or exc}",
                "writing (a run, a resume, a claims look) needs a writable run directory",
            ) from None
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fh)
            fh.close()
            raise InputError.single(
                self.root,
                "",
                f"the run directory is in use by {holder}",
                "wait for that command to finish (or stop it), then run yours again",
            ) from None
        self._fh = fh
        info = {
            "pid": os.getpid(),
            "purpose": self.purpose,
            "command": " ".join(sys.argv[:3]),
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        try:
            # In place, not by rename: the lock lives on this very inode.
            fh.seek(0)
            fh.truncate()
            fh.write((json.dumps(info) + "\n").encode())
        except OSError:
            pass  # a full disk: the lock holds all the same, only its holder goes unnamed
        return self

    def release(self) -> None:
        """Drop the lock (closing the file releases the ``flock``)."""
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
