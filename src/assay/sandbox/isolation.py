"""Which isolation this machine allows, how to build it, and the record of what was achieved.

The strongest plan is bubblewrap (network, pid, ipc, uts namespaces; read-only system; home
folders and /tmp hidden) entered after dropping to an unprivileged uid, so RLIMIT_NPROC holds.
Each weaker plan is used only when the stronger one fails its probe, and the verdict says which.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assay.records.verdict import Isolation
from assay.sandbox.limits import Limits, apply

SANDBOX_ROOT = "/sandbox"
_SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group")
# Folders whose contents a candidate must never read: homes hold keys and tokens.
_HIDDEN = ("/root", "/home", "/tmp", "/var/tmp", "/run", "/mnt", "/media", "/srv", "/opt")


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
            hidden_paths=list(_HIDDEN) if self.bwrap else [],
            rlimits=limits.as_dict()
            if self.drop_uid
            else {k: v for k, v in limits.as_dict().items() if k != "nproc"},
            notes=notes,
        )


@lru_cache(maxsize=1)
def interpreter_paths() -> tuple[str, ...]:
    """Folders the sandboxed interpreter needs: its prefixes, its libraries, and assay itself.

    Only these are bound, not every ``sys.path`` entry: the caller's working folders (a repo's
    tests, a task's solution) must stay invisible to candidate code.
    """
    import assay

    wanted = {sys.prefix, sys.base_prefix, str(Path(sys.executable).parent)}
    wanted |= {sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    wanted.add(str(Path(assay.__file__).resolve().parent.parent))
    real = {os.path.realpath(p) for p in wanted if p and os.path.isdir(p)}
    out = sorted(real | {os.path.abspath(p) for p in wanted if p and os.path.isdir(p)})
    # Drop paths inside another listed path, and those the system binds already cover.
    keep = [p for p in out if not any(p != q and p.startswith(q + "/") for q in out)]
    return tuple(p for p in keep if not p.startswith("/usr/") and p != "/usr")


def bwrap_argv(
    bwrap: str,
    workdir: Path,
    env: dict[str, str],
    masks: list[Path],
) -> list[str]:
    """Build the bubblewrap prefix that runs a command in ``/sandbox`` (= ``workdir``)."""
    argv = [bwrap, "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    argv += ["--ro-bind", "/usr", "/usr"]
    for d in _SYSTEM_DIRS:
        if os.path.islink(d):
            argv += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            argv += ["--ro-bind", d, d]
    for f in _ETC_FILES:
        argv += ["--ro-bind-try", f, f]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    for d in _HIDDEN:
        argv += ["--tmpfs", d]
    for p in interpreter_paths():
        argv += ["--ro-bind", p, p]
    for m in masks:
        argv += ["--tmpfs", str(m)]
    argv += ["--bind", str(workdir), SANDBOX_ROOT, "--chdir", SANDBOX_ROOT]
    for k, v in sorted(env.items()):
        argv += ["--setenv", k, v]
    return [*argv, "--"]


def _probe(plan: Plan) -> bool:
    limits = Limits(cpu_s=20, memory_mb=1024)
    cmd = [sys.executable, "-I", "-B", "-c", "import pytest, assay.verify.plugin"]
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
