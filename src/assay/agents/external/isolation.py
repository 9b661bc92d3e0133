"""How a CLI agent is confined: a network namespace whose only way out is the model endpoint.

With bubblewrap the CLI runs in new network, pid, ipc and uts namespaces: the network has
only loopback, where ``assay.agents.external.bridge`` relays one port to the model endpoint (so
every other host, DNS included, is unreachable). The filesystem is the host's, read-only,
with ``/tmp``, ``/root``, ``/home`` and ``/run`` emptied; the workspace, the throwaway home
and the outputs folder are the only writable places; the task folder (hidden tests,
reference solution) and the bundled suites are hidden. When the pid namespace's first
process dies every process in it dies, so nothing outlives a killed run.

Without bubblewrap (or with ``network = "host"``) the CLI runs as a plain process group with
a scrubbed environment: the record then says the network was not isolated.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import assay
from assay.agents.external.install import agents_home

EMPTIED = ("/tmp", "/root", "/home", "/run", "/var/tmp")


@dataclass(frozen=True)
class Confinement:
    """What a run is confined to (recorded in the attempt's events)."""

    network: str
    """``endpoint-only`` (namespace with a bridge) or ``host`` (not isolated)."""
    filesystem: str
    """``workspace-only`` (read-only elsewhere, task hidden) or ``host``."""


@lru_cache(maxsize=1)
def bwrap_works() -> str | None:
    """The bubblewrap binary if it can make a network namespace here, else None."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return None
    try:
        done = subprocess.run(
            [
                bwrap,
                "--unshare-net",
                "--unshare-pid",
                "--ro-bind",
                "/",
                "/",
                "--dev",
                "/dev",
                "--proc",
                "/proc",
                "--die-with-parent",
                "true",
            ],
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return bwrap if done.returncode == 0 else None


def _readable() -> list[Path]:
    """Folders the CLI must still see under the emptied ones: interpreters, assay, the CLIs."""
    wanted = {Path(sys.prefix), Path(sys.base_prefix), Path(assay.__file__).resolve().parent.parent}
    wanted.add(agents_home())
    wanted.add(Path(sys.executable).resolve().parent)
    return sorted(p for p in wanted if p.exists() and str(p).startswith(EMPTIED))


def hidden_paths(task_root: Path) -> list[Path]:
    """What a CLI must not read: the task folder (hidden tests, solution) and the bundled suites."""
    from assay.tasks.suite import BUNDLED_ROOT

    return [task_root, BUNDLED_ROOT]


def confine(
    argv: list[str],
    *,
    bwrap: str,
    port: int,
    socket_path: Path,
    writable: list[Path],
    hidden: list[Path],
    workdir: Path,
) -> list[str]:
    """Wrap ``argv`` in bubblewrap with the bridge relaying ``127.0.0.1:port`` outwards."""
    out = [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    out += ["--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for folder in EMPTIED:
        if Path(folder).is_dir():
            out += ["--tmpfs", folder]
    for path in _readable():
        out += ["--ro-bind", str(path), str(path)]
    for path in [*writable, socket_path.parent]:
        out += ["--bind", str(path), str(path)]
    for path in hidden:
        if path.exists():
            out += ["--tmpfs", str(path)]
    out += ["--chdir", str(workdir), "--"]
    script = str(Path(__file__).with_name("bridge.py"))
    bridge = [sys.executable, "-I", "-S", script, str(port), str(socket_path)]
    return [*out, *bridge, "--", *argv]
