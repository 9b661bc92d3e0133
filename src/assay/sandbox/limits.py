"""Resource limits applied in the child between fork and exec."""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

UNPRIVILEGED_UID = 65534  # "nobody": RLIMIT_NPROC is not enforced for root, so drop to it.


@dataclass(frozen=True)
class Limits:
    """Resource limits for one sandboxed process tree."""

    cpu_s: int = 60
    memory_mb: int = 1024
    fsize_mb: int = 64
    nproc: int = 128
    nofile: int = 256

    def as_dict(self) -> dict[str, int]:
        """Return the limits as a record-friendly mapping."""
        return {
            "cpu_s": self.cpu_s,
            "memory_mb": self.memory_mb,
            "fsize_mb": self.fsize_mb,
            "nproc": self.nproc,
            "nofile": self.nofile,
        }


def apply(limits: Limits, *, drop_uid: bool, uid: int = UNPRIVILEGED_UID) -> None:
    """Set the rlimits on the current process, then drop to ``uid`` if asked.

    Runs in the forked child before exec: only async-signal-tolerant work here.
    """
    mb = 1024 * 1024
    resource.setrlimit(resource.RLIMIT_CPU, (limits.cpu_s, limits.cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_mb * mb, limits.memory_mb * mb))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.fsize_mb * mb, limits.fsize_mb * mb))
    resource.setrlimit(resource.RLIMIT_NOFILE, (limits.nofile, limits.nofile))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if drop_uid:
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.nproc, limits.nproc))
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
