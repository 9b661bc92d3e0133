"""The bubblewrap command line of each sandbox profile, pinned byte for byte.

The references below are the two builders as they stood at commit 605a3e3, before the
confinement moved into ``assay.sandbox`` as profiles, copied verbatim (only renamed). Each
profile must keep producing exactly their argv for the same input: a reordered or dropped
mount changes what a candidate or an agent CLI can see, and nothing else would notice.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

import assay
from assay.agents.external import bridge
from assay.agents.external.confinement import confine
from assay.agents.external.install import agents_home
from assay.sandbox.profiles import SANDBOX_ROOT, bwrap_argv, interpreter_paths

# --- today's gate builder (sandbox/isolation.py:bwrap_argv at 605a3e3) -------------------------
_SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group")
_HIDDEN = ("/root", "/home", "/tmp", "/var/tmp", "/run", "/mnt", "/media", "/srv", "/opt")


def _reference_gate(bwrap: str, workdir: Path, env: dict[str, str], masks: list[Path]) -> list[str]:
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


# --- today's agent-CLI builder (agents/external/isolation.py:confine at 605a3e3) ---------------
_EMPTIED = ("/tmp", "/root", "/home", "/run", "/var/tmp")


def _reference_readable() -> list[Path]:
    wanted = {Path(sys.prefix), Path(sys.base_prefix), Path(assay.__file__).resolve().parent.parent}
    wanted.add(agents_home())
    wanted.add(Path(sys.executable).resolve().parent)
    return sorted(p for p in wanted if p.exists() and str(p).startswith(_EMPTIED))


def _reference_confine(
    argv: list[str],
    *,
    bwrap: str,
    port: int,
    socket_path: Path,
    writable: list[Path],
    hidden: list[Path],
    workdir: Path,
) -> list[str]:
    out = [bwrap, "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts"]
    out += ["--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    for folder in _EMPTIED:
        if Path(folder).is_dir():
            out += ["--tmpfs", folder]
    for path in _reference_readable():
        out += ["--ro-bind", str(path), str(path)]
    for path in [*writable, socket_path.parent]:
        out += ["--bind", str(path), str(path)]
    for path in hidden:
        if path.exists():
            out += ["--tmpfs", str(path)]
    out += ["--chdir", str(workdir), "--"]
    script = str(Path(bridge.__file__))
    relay = [sys.executable, "-I", "-S", script, str(port), str(socket_path)]
    return [*out, *relay, "--", *argv]


# --- the pins ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("env", "masks"),
    [
        ({}, []),
        ({"PATH": "/usr/bin:/bin"}, []),
        ({"PATH": "/usr/bin", "HOME": "/sandbox", "A": "1"}, [Path("/x/task"), Path("/y/suites")]),
    ],
)
def test_gate_profile_argv_is_unchanged(env: dict[str, str], masks: list[Path]) -> None:
    """The gate's sandbox: every namespace, system read-only, homes hidden, workdir at /sandbox."""
    workdir = Path("/var/assay/work/7")
    got = bwrap_argv("/usr/bin/bwrap", workdir, env, masks)
    assert got == _reference_gate("/usr/bin/bwrap", workdir, env, masks)
    head = ["/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--clearenv"]
    assert got[:5] == head
    assert got[-1] == "--"


@pytest.mark.parametrize("agents_dir", ["/tmp/assay-agents-pin", "/opt/assay-agents-pin"])
def test_agent_cli_profile_argv_is_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, agents_dir: str
) -> None:
    """The agent-CLI sandbox: endpoint-only network, host read-only, task hidden, bridge first."""
    # An agents home under an emptied folder must be bound back in; elsewhere it is visible.
    os.makedirs(agents_dir, exist_ok=True)
    monkeypatch.setenv("ASSAY_AGENTS_HOME", agents_dir)
    work, home, outputs = tmp_path / "ws", tmp_path / "home", tmp_path / "out"
    task = tmp_path / "task"
    task.mkdir()
    kwargs: dict[str, object] = {
        "bwrap": "/usr/bin/bwrap",
        "port": 4711,
        "socket_path": tmp_path / "sock" / "endpoint.sock",
        "writable": [work, home, outputs],
        "hidden": [task, tmp_path / "absent"],
        "workdir": work,
    }
    argv = ["/opt/cli/bin/codex", "exec", "--json"]
    got = confine(argv, **kwargs)  # type: ignore[arg-type]
    assert got == _reference_confine(argv, **kwargs)  # type: ignore[arg-type]
    assert ["--tmpfs", str(task)] == got[got.index(str(task)) - 1 : got.index(str(task)) + 1]
    assert str(tmp_path / "absent") not in got
    assert got[-4:] == ["--", *argv]
