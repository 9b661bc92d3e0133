"""The one bubblewrap command-line builder: a :class:`Profile` declares, :func:`command` renders.

Every confined process (the gate's pytest, the loop agent's shell, a third-party agent CLI)
is started through this builder, so namespaces, mounts, environment and working folder are
spelled in one place. Profiles differ only in what they declare (``assay.sandbox.profiles``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

MountOp = Literal["--ro-bind", "--ro-bind-try", "--bind", "--symlink", "--tmpfs", "--proc", "--dev"]


@dataclass(frozen=True)
class Mount:
    """One filesystem operation; bubblewrap applies them in order, a later one covering earlier."""

    op: MountOp
    dest: str
    source: str | None = None
    """The host path bound, or the symlink's target; None for ``--tmpfs``, ``--proc``, ``--dev``."""

    def argv(self) -> list[str]:
        """The operation's words on the bubblewrap command line."""
        return [self.op, self.dest] if self.source is None else [self.op, self.source, self.dest]


def ro_bind(path: str | Path, dest: str | Path | None = None) -> Mount:
    """Show host ``path`` read-only at ``dest`` (default: the same path)."""
    return Mount("--ro-bind", str(dest if dest is not None else path), str(path))


def ro_bind_try(path: str | Path) -> Mount:
    """Show host ``path`` read-only at the same path if it exists."""
    return Mount("--ro-bind-try", str(path), str(path))


def bind(path: str | Path, dest: str | Path | None = None) -> Mount:
    """Show host ``path`` writable at ``dest`` (default: the same path)."""
    return Mount("--bind", str(dest if dest is not None else path), str(path))


def symlink(target: str, path: str) -> Mount:
    """Make ``path`` a symlink to ``target``."""
    return Mount("--symlink", path, target)


def tmpfs(path: str | Path) -> Mount:
    """Cover ``path`` with an empty, throwaway folder (hiding what the host has there)."""
    return Mount("--tmpfs", str(path))


def proc(path: str = "/proc") -> Mount:
    """A fresh ``/proc`` for the new pid namespace."""
    return Mount("--proc", path)


def dev(path: str = "/dev") -> Mount:
    """A minimal ``/dev``."""
    return Mount("--dev", path)


@dataclass(frozen=True)
class Profile:
    """What a confined process may see and do."""

    name: str
    """Which confinement this is (``gate``, ``agent-cli``, ...), for readers and errors."""
    namespaces: tuple[str, ...]
    """Namespaces to unshare (``all``, or some of ``net``, ``pid``, ``ipc``, ``uts``, ...)."""
    mounts: tuple[Mount, ...]
    chdir: str | None = None
    new_session: bool = False
    """Detach from the terminal, so the process cannot push input into it (TIOCSTI)."""
    clear_env: bool = False
    env: Mapping[str, str] | None = None
    """Variables set inside (after ``clear_env``); rendered in sorted order."""


def command(bwrap: str, profile: Profile) -> list[str]:
    """The bubblewrap prefix for ``profile``, ending in ``--``: append the command to run.

    ``--die-with-parent`` is not optional: nothing confined may outlive the run that started it.
    """
    argv = [bwrap, *(f"--unshare-{ns}" for ns in profile.namespaces), "--die-with-parent"]
    if profile.new_session:
        argv.append("--new-session")
    if profile.clear_env:
        argv.append("--clearenv")
    for mount in profile.mounts:
        argv += mount.argv()
    if profile.chdir is not None:
        argv += ["--chdir", profile.chdir]
    for key, value in sorted((profile.env or {}).items()):
        argv += ["--setenv", key, value]
    return [*argv, "--"]
