"""Which isolation this machine allows, and the record of what was achieved.

For the gate, the strongest plan is bubblewrap's ``gate`` profile (``assay.sandbox.profiles``)
entered after dropping to an unprivileged uid, so RLIMIT_NPROC holds. Each weaker plan is used
only when the stronger one fails its probe, and the verdict says which. For an agent CLI,
:func:`agent_cli_bwrap` says whether its profile's namespaces can be made here at all.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assay.records.verdict import Isolation
from assay.sandbox.bwrap import command
from assay.sandbox.limits import Limits, apply
from assay.sandbox.profiles import GATE_HIDDEN, bwrap_argv, network_probe

__all__ = ["Plan", "agent_cli_bwrap", "plan_for"]


@dataclass(frozen=True)
class Plan:
    """How to start a sandboxed process."""

    bwrap: str | None
    drop_uid: bool

    def describe(self, limits: Limits) -> Isolation:
        """Return the isolation record of this plan."""
        notes = []
        if not self.drop_uid:
            notes.append("process-count limit not enforced (no unprivileged uid)")
        if self.bwrap is None:
            notes.append("no bubblewrap: network and other processes are visible")
        return Isolation(
            level="bwrap" if self.bwrap else "process",
            unprivileged_uid=self.drop_uid,
            network_isolated=self.bwrap is not None,
            pid_namespace=self.bwrap is not None,
            readonly_system=self.bwrap is not None,
            hidden_paths=list(GATE_HIDDEN) if self.bwrap else [],
            rlimits=limits.as_dict()
            if self.drop_uid
            else {k: v for k, v in limits.as_dict().items() if k != "nproc"},
            notes=notes,
        )


def _probe(plan: Plan) -> bool:
    limits = Limits(cpu_s=20, memory_mb=1024)
    cmd = [sys.executable, "-I", "-B", "-c", "import pytest"]
    tmp = Path(os.environ.get("ASSAY_TMPDIR") or "/tmp")
    if plan.bwrap:
        cmd = bwrap_argv(plan.bwrap, tmp, {"PATH": "/usr/bin:/bin"}, []) + cmd
    try:
        done = subprocess.run(
            cmd,
            preexec_fn=lambda: apply(limits, drop_uid=plan.drop_uid),
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@lru_cache(maxsize=4)
def plan_for(want: str = "auto") -> Plan:
    """Return the strongest plan that works here (``want``: auto, bwrap or process)."""
    want = os.environ.get("ASSAY_ISOLATION", want)
    root = os.geteuid() == 0
    bwrap = shutil.which("bwrap")
    candidates: list[Plan] = []
    if bwrap and want in ("auto", "bwrap"):
        candidates += [Plan(bwrap, root), Plan(bwrap, False)] if root else [Plan(bwrap, False)]
    if want in ("auto", "process"):
        candidates += [Plan(None, root), Plan(None, False)] if root else [Plan(None, False)]
    for plan in candidates:
        if _probe(plan):
            return plan
    return Plan(None, False)


@lru_cache(maxsize=1)
def agent_cli_bwrap() -> str | None:
    """The bubblewrap binary if the agent-CLI profile can make its namespaces here, else None."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None
    try:
        done = subprocess.run(
            [*command(bwrap, network_probe()), "true"],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bwrap if done.returncode == 0 else None
