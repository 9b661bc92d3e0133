"""A task's declared dependencies, installed once per machine for the candidate's sandbox.

The candidate runs the system interpreter with the standard library only; a task that needs
more names it in ``[verify] dependencies``. The wheels are installed (binary only, so nothing
is built or run at install time) into a folder keyed by the interpreter's version and the
sorted requirements, under :func:`cache_root`, from pip's configured index (or, offline, from
the wheel folder named by ``ASSAY_DEPS_FIND_LINKS``). That folder is shown read-only to the
sandbox and put on its path. Two assay processes never build the same folder at once (an
exclusive lock), and a half-built folder is never used (it is renamed into place whole).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from assay.sandbox.servers import system_python


def cache_root() -> Path:
    """Where installed dependencies live (``ASSAY_DEPS_CACHE`` overrides).

    As root the sandbox runs as another uid, which cannot enter root's home: the cache is
    then ``/var/cache/assay/deps``. The folder and its parents must be reachable by that uid.
    """
    if os.environ.get("ASSAY_DEPS_CACHE"):
        return Path(os.environ["ASSAY_DEPS_CACHE"])
    if os.geteuid() == 0:
        return Path("/var/cache/assay/deps")
    return Path.home() / ".cache" / "assay" / "deps"


def _index_args() -> list[str]:
    """Where pip installs from: its index, or only ``ASSAY_DEPS_FIND_LINKS`` (offline)."""
    links = os.environ.get("ASSAY_DEPS_FIND_LINKS")
    return ["--no-index", "--find-links", links] if links else []


class DependencyError(RuntimeError):
    """The task's dependencies could not be installed (the verdict fails closed)."""


def _target_version() -> str:
    out = subprocess.run(
        [system_python(), "-I", "-S", "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    return out.stdout.strip()


def site_for(requirements: list[str]) -> Path | None:
    """The folder holding ``requirements`` for the sandbox's interpreter (None: nothing to add)."""
    if not requirements:
        return None
    version = _target_version()
    key = hashlib.sha256("\n".join([version, *sorted(requirements)]).encode()).hexdigest()[:16]
    root = cache_root()
    folder = root / key
    if (folder / ".complete").exists():
        return folder
    root.mkdir(parents=True, exist_ok=True, mode=0o755)
    with open(root / f"{key}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / ".complete").exists():
            return folder
        build = Path(tempfile.mkdtemp(prefix=f"{key}-", dir=root))
        cmd = [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-input", "--only-binary=:all:", "--python-version", version,
            "--target", str(build), *_index_args(), *requirements,
        ]  # fmt: skip
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, check=False)
        if done.returncode != 0:
            shutil.rmtree(build, ignore_errors=True)
            detail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            raise DependencyError(f"pip could not install {requirements}: {' '.join(detail)}")
        (build / ".complete").write_text("\n".join(requirements) + "\n")
        for dirpath, dirnames, filenames in os.walk(build):
            for name in dirnames + filenames:
                os.chmod(os.path.join(dirpath, name), 0o755 if name in dirnames else 0o644)
        os.chmod(build, 0o755)
        shutil.rmtree(folder, ignore_errors=True)
        build.rename(folder)
    return folder
