"""How a CLI agent is confined: the sandbox's ``agent-cli`` profile with the endpoint bridge.

The profile itself (namespaces, read-only host, emptied folders) is
``assay.sandbox.profiles.agent_cli``; this module adds what is about agent CLIs: their
installs stay readable, the task folder (hidden tests, reference solution) and the bundled
suites are hidden, and ``assay.agents.external.bridge`` runs first inside the namespace,
relaying one loopback port to the model endpoint (the network's only way out).

Without bubblewrap (or with ``network = "host"``) the CLI runs as a plain process group with
a scrubbed environment: the record then says the network was not isolated.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from assay.agents.external.install import agents_home
from assay.sandbox.bwrap import command
from assay.sandbox.profiles import agent_cli


@dataclass(frozen=True)
class Confinement:
    """What a run is confined to (recorded in the attempt's events)."""

    network: str
    """``endpoint-only`` (namespace with a bridge) or ``host`` (not isolated)."""
    filesystem: str
    """``workspace-only`` (read-only elsewhere, task hidden) or ``host``."""


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
    profile = agent_cli(
        readable=[agents_home()],
        # The bridge's socket folder is bound so the relay outside can be reached from within.
        writable=[*writable, socket_path.parent],
        hidden=hidden,
        workdir=workdir,
    )
    script = str(Path(__file__).with_name("bridge.py"))
    bridge = [sys.executable, "-I", "-S", script, str(port), str(socket_path)]
    return [*command(bwrap, profile), *bridge, "--", *argv]
