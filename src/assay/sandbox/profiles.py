"""The named confinements, each declared as a :class:`~assay.sandbox.bwrap.Profile`.

``gate``: candidate code (pytest in the gate, the loop agent's shell). Every namespace is
unshared (no network at all); only ``/usr``, the system library folders, a few ``/etc`` files
and the interpreter's folders are visible, read-only; home folders and ``/tmp`` are emptied;
the work folder is the only writable place, at ``/sandbox``; the environment is replaced.

``agent-cli``: a third-party agent CLI. New network, pid, ipc and uts namespaces: the network
has only loopback, where the caller's bridge relays one port to the model endpoint (so every
other host, DNS included, is unreachable). The filesystem is the host's, read-only, with
``/tmp``, ``/root``, ``/home``, ``/run`` and ``/var/tmp`` emptied (the interpreter, assay and the
caller's ``readable`` folders are bound back); the caller's ``writable`` folders are the only
writable places and its ``hidden`` ones are emptied. When the pid namespace's first process
dies every process in it dies, so nothing outlives a killed run.
"""

from __future__ import annotations

import os
import sys
import sysconfig
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

import assay
from assay.sandbox.bwrap import (
    Mount,
    Profile,
    bind,
    command,
    dev,
    proc,
    ro_bind,
    ro_bind_try,
    symlink,
    tmpfs,
)

SANDBOX_ROOT = "/sandbox"
"""Where the gate profile shows the work folder."""
_SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group")
GATE_HIDDEN = ("/root", "/home", "/tmp", "/var/tmp", "/run", "/mnt", "/media", "/srv", "/opt")
"""Folders whose contents candidate code must never read: homes hold keys and tokens."""
AGENT_CLI_EMPTIED = ("/tmp", "/root", "/home", "/run", "/var/tmp")
"""Folders an agent CLI sees empty (its own home is a throwaway folder bound writable)."""


@lru_cache(maxsize=1)
def interpreter_paths() -> tuple[str, ...]:
    """Folders the sandboxed interpreter needs: its prefixes, its libraries, and assay itself.

    Only these are bound, not every ``sys.path`` entry: the caller's working folders (a repo's
    tests, a task's solution) must stay invisible to candidate code.
    """
    wanted = {sys.prefix, sys.base_prefix, str(Path(sys.executable).parent)}
    wanted |= {sysconfig.get_path(k) for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    wanted.add(str(Path(assay.__file__).resolve().parent.parent))
    real = {os.path.realpath(p) for p in wanted if p and os.path.isdir(p)}
    out = sorted(real | {os.path.abspath(p) for p in wanted if p and os.path.isdir(p)})
    # Drop paths inside another listed path, and those the system binds already cover.
    keep = [p for p in out if not any(p != q and p.startswith(q + "/") for q in out)]
    return tuple(p for p in keep if not p.startswith("/usr/") and p != "/usr")


def _system_view() -> list[Mount]:
    """Just enough of the host to run programs: ``/usr``, the library folders, a few ``/etc``."""
    mounts = [ro_bind("/usr")]
    for d in _SYSTEM_DIRS:
        # Merged-/usr systems make these symlinks into /usr; recreate the link, not a bind.
        if os.path.islink(d):
            mounts.append(symlink(os.readlink(d), d))
        elif os.path.isdir(d):
            mounts.append(ro_bind(d))
    mounts += [ro_bind_try(f) for f in _ETC_FILES]
    return [*mounts, proc(), dev()]


def gate(workdir: Path, env: Mapping[str, str], masks: Iterable[Path]) -> Profile:
    """Candidate code: ``workdir`` writable at ``/sandbox``, ``masks`` emptied, nothing else."""
    mounts = _system_view()
    mounts += [tmpfs(d) for d in GATE_HIDDEN]
    mounts += [ro_bind(p) for p in interpreter_paths()]
    mounts += [tmpfs(m) for m in masks]
    mounts.append(bind(workdir, SANDBOX_ROOT))
    return Profile(
        name="gate",
        namespaces=("all",),
        mounts=tuple(mounts),
        chdir=SANDBOX_ROOT,
        new_session=True,
        clear_env=True,
        env=dict(env),
    )


def bwrap_argv(bwrap: str, workdir: Path, env: dict[str, str], masks: list[Path]) -> list[str]:
    """The bubblewrap prefix of the :func:`gate` profile, running a command in ``/sandbox``."""
    return command(bwrap, gate(workdir, env, masks))


def _interpreter_folders(extra: Iterable[Path]) -> list[Path]:
    """Folders under the emptied ones an agent CLI still needs: interpreters, assay, ``extra``."""
    wanted = {Path(sys.prefix), Path(sys.base_prefix), Path(assay.__file__).resolve().parent.parent}
    wanted |= set(extra)
    wanted.add(Path(sys.executable).resolve().parent)
    return sorted(p for p in wanted if p.exists() and str(p).startswith(AGENT_CLI_EMPTIED))


def agent_cli(
    *,
    readable: Iterable[Path],
    writable: Iterable[Path],
    hidden: Iterable[Path],
    workdir: Path,
) -> Profile:
    """A third-party agent CLI: host read-only, loopback-only network, ``hidden`` emptied.

    ``readable`` are folders the CLI needs that may lie under an emptied one (its install);
    ``writable`` are its workspace, home, outputs and the bridge's socket folder.
    """
    mounts = [ro_bind("/"), dev(), proc()]
    mounts += [tmpfs(d) for d in AGENT_CLI_EMPTIED if Path(d).is_dir()]
    mounts += [ro_bind(p) for p in _interpreter_folders(readable)]
    mounts += [bind(p) for p in writable]
    mounts += [tmpfs(p) for p in hidden if p.exists()]
    return Profile(
        name="agent-cli",
        namespaces=("net", "pid", "ipc", "uts"),
        mounts=tuple(mounts),
        chdir=str(workdir),
    )


def network_probe() -> Profile:
    """The least the agent-CLI profile needs from this machine: a network and a pid namespace."""
    return Profile(
        name="network-probe", namespaces=("net", "pid"), mounts=(ro_bind("/"), dev(), proc())
    )
