"""Isolation of untrusted code: rlimits, unprivileged uids, bubblewrap profiles, timeouts.

- ``limits``   — rlimits and the uid drop applied between fork and exec;
- ``uids``     — slot uids reserved machine-wide (one per sandbox slot);
- ``bwrap``    — the one bubblewrap argv builder; ``profiles`` — the gate and agent-CLI profiles;
- ``isolation``— the strongest plan this machine allows (probed), and what it achieves;
- ``process``  — run a sandboxed command, clip its output, kill its process group;
- ``scratch``  — scratch folders the unprivileged uid may use;
- ``servers``  — a stdlib server in bubblewrap (both gates' untrusted side): argv, runtime, kill.

The face is lazy: the gate's sandboxed servers import ``sandbox.limits``, so importing the
package must load nothing (no pydantic in a process that forks per candidate).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assay.sandbox.isolation import Plan, plan_for
    from assay.sandbox.limits import UNPRIVILEGED_UID, Limits, apply
    from assay.sandbox.process import kill_group, run
    from assay.sandbox.uids import release_uid, reserve_uids

_HOME = {
    "Limits": "assay.sandbox.limits",
    "Plan": "assay.sandbox.isolation",
    "UNPRIVILEGED_UID": "assay.sandbox.limits",
    "apply": "assay.sandbox.limits",
    "kill_group": "assay.sandbox.process",
    "plan_for": "assay.sandbox.isolation",
    "release_uid": "assay.sandbox.uids",
    "reserve_uids": "assay.sandbox.uids",
    "run": "assay.sandbox.process",
}
__all__ = [
    "UNPRIVILEGED_UID",
    "Limits",
    "Plan",
    "apply",
    "kill_group",
    "plan_for",
    "release_uid",
    "reserve_uids",
    "run",
]


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(import_module(_HOME[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
