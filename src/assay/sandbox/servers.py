"""A standard-library server inside bubblewrap: its argv, its runtime folder, its end.

Both gates start their untrusted side this way (``verify/function``'s slots, ``verify/remote``'s
candidate sandboxes): the system interpreter (never assay's virtualenv) with a few
stdlib-only files bound read-only at ``/rt``, a private ``/tmp``, no network, its own pid
namespace, and an environment holding nothing of the caller's. ``kill_tree`` ends a sandbox
with everything below it.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

INTERPRETERS = ("/usr/bin/python3.11", "/usr/bin/python3")

_SYSTEM_DIRS = ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
_ETC_FILES = ("/etc/ld.so.cache", "/etc/localtime", "/etc/passwd", "/etc/group")


SANDBOX_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
"""bubblewrap's own environment: it is the sandbox's pid 1, whose /proc environ the
candidate's uid can read, so it must not inherit the caller's (API keys live there)."""


class SlotError(RuntimeError):
    """The slot could not be started (no bubblewrap, no system interpreter, a failed probe)."""


def system_python() -> str:
    """The system interpreter the sandbox runs (not assay's virtualenv)."""
    for path in INTERPRETERS:
        if os.access(path, os.X_OK):
            return path
    raise SlotError("no system Python 3 under /usr/bin")


def runtime_dir(here: Path, names: tuple[str, ...]) -> Path:
    """A private read-only folder holding only a sandbox runtime (stdlib-only files)."""
    folder = Path(tempfile.mkdtemp(prefix="assay-rt-", dir=os.environ.get("ASSAY_TMPDIR")))
    for name in names:
        shutil.copyfile(here / name, folder / name)
        os.chmod(folder / name, 0o444)
    os.chmod(folder, 0o555)
    atexit.register(remove_readonly, folder)
    return folder


def remove_readonly(folder: Path) -> None:
    """Remove a folder made read-only (a runtime folder), ignoring what is already gone."""
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o755)
    shutil.rmtree(folder, ignore_errors=True)


DEPS_MOUNT = "/deps"
"""Where a sandbox sees a task's dependencies (a top-level mount point: a folder bubblewrap
would create on the way to a deeper one is not readable by the child's uid)."""
SERVER_CAPS = ("CAP_SETUID", "CAP_SETGID", "CAP_KILL", "CAP_FOWNER", "CAP_DAC_OVERRIDE")
"""What a sandbox's server keeps when it runs as root: enough to drop each child to
the slot's uid, and to kill and clean up after it; nothing that reaches beyond the sandbox."""


def sandbox_argv(
    bwrap: str,
    runtime: Path,
    boot: str,
    readonly: tuple[Path, ...] = (),
    *,
    child_uid: int | None = None,
    deps: Path | None = None,
) -> list[str]:
    """Bubblewrap around a server: system files, a private /tmp, the runtime, nothing else.

    ``readonly`` folders are shown read-only at their own paths; bubblewrap runs as the
    sandbox's uid, so that uid must be able to reach them. With ``child_uid`` (bubblewrap
    started by root) the server stays root with :data:`SERVER_CAPS` only, in every namespace
    but a user namespace, and runs each child as ``child_uid``: a candidate never shares its
    server's uid. ``deps`` (a task's installed dependencies) is shown read-only at
    :data:`DEPS_MOUNT`.
    """
    argv = [bwrap, "--die-with-parent", "--new-session", "--clearenv"]
    if child_uid is None:
        argv.append("--unshare-all")
    else:
        argv += ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts"]
        argv += ["--unshare-cgroup-try"]
        for cap in SERVER_CAPS:
            argv += ["--cap-add", cap]
    argv += ["--ro-bind", "/usr", "/usr"]
    for d in _SYSTEM_DIRS:
        if os.path.islink(d):
            argv += ["--symlink", os.readlink(d), d]
        elif os.path.isdir(d):
            argv += ["--ro-bind", d, d]
    for f in _ETC_FILES:
        argv += ["--ro-bind-try", f, f]
    argv += ["--proc", "/proc", "--dev", "/dev"]
    argv += ["--perms", "1777", "--tmpfs", "/dev/shm", "--perms", "1777", "--tmpfs", "/tmp"]
    argv += ["--ro-bind", str(runtime), "/rt", "--chdir", "/tmp"]
    for folder in readonly:
        argv += ["--ro-bind", str(folder), str(folder)]
    if deps is not None:
        argv += ["--ro-bind", str(deps), DEPS_MOUNT]
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": "/tmp", "TMPDIR": "/tmp"}
    if child_uid is not None:
        env["ASSAY_CHILD_UID"] = str(child_uid)
    for k, v in env.items():
        argv += ["--setenv", k, v]
    return [*argv, "--", system_python(), "-I", "-S", "-B", "-c", boot]


def _children() -> dict[int, list[int]]:
    """Parent pid → child pids, for every process on the machine."""
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # The command name may hold spaces or parentheses: the ppid follows the last ')'.
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        out.setdefault(ppid, []).append(int(entry))
    return out


def kill_tree(root: int) -> None:
    """SIGKILL ``root`` and every descendant (a sandbox's whole pid namespace hangs below it).

    Orphans inside the sandbox are re-parented to its pid-1 process, itself a child of the
    outer bubblewrap: the tree below ``root`` is every process the slot ever started, and
    nothing else on the machine.
    """
    for _ in range(50):
        tree = _children()
        todo, found = [root], []
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo += tree.get(pid, [])
        alive = [p for p in found if p != root or _exists(root)]
        if not alive:
            return
        for pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.002)


def _exists(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return b") Z " not in fh.read()  # a zombie is dead: only its parent's wait is left
    except OSError:
        return False
