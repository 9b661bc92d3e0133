"""Installing agent CLIs into a per-machine cache: npm prefixes and Python venvs, pinned.

``$ASSAY_AGENTS_HOME`` (default ``~/.cache/assay/agents``) holds ``npm/NAME`` (an npm prefix)
and ``venv/NAME`` (a virtualenv) per adapter. An install is skipped when its stamp names the
same pinned spec, so reruns cost nothing; a lock serialises concurrent installs.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from assay.agents.external.base import Adapter, Package

STAMP = ".assay-installed"
INSTALL_TIMEOUT_S = 1800.0


class InstallError(Exception):
    """An install failed; the message holds the tail of the installer's output."""


def agents_home() -> Path:
    """The cache folder of installed CLIs."""
    configured = os.environ.get("ASSAY_AGENTS_HOME")
    return Path(configured) if configured else Path.home() / ".cache" / "assay" / "agents"


def prefix(package: Package, name: str) -> Path:
    """The npm prefix or venv of an adapter."""
    return agents_home() / ("npm" if package.registry == "npm" else "venv") / name


def binary(adapter: type[Adapter] | Adapter) -> Path:
    """Where the adapter's executable is once installed."""
    root = prefix(adapter.package, adapter.name)
    if adapter.package.registry == "npm":
        return root / "node_modules" / ".bin" / adapter.package.binary
    return root / "bin" / adapter.package.binary


def _wanted(package: Package) -> str:
    return " ".join([package.spec, *package.extras])


@dataclass(frozen=True)
class Status:
    """Whether an adapter's CLI is installed, and which version."""

    installed: bool
    version: str | None
    path: Path


def status(adapter: type[Adapter] | Adapter) -> Status:
    """Read the install state from disk (no subprocess: fast enough for ``agents list``)."""
    root = prefix(adapter.package, adapter.name)
    stamp = root / STAMP
    ok = binary(adapter).exists() and stamp.is_file()
    ok = ok and stamp.read_text(encoding="utf-8").strip() == _wanted(adapter.package)
    return Status(ok, _version(adapter.package, root) if ok else None, binary(adapter))


def _version(package: Package, root: Path) -> str | None:
    if package.registry == "npm":
        meta = root / "node_modules" / package.name / "package.json"
        try:
            value = json.loads(meta.read_text(encoding="utf-8")).get("version")
        except (OSError, ValueError):
            return None
        return value if isinstance(value, str) else None
    normalized = package.name.replace("-", "_").lower()
    for dist in root.glob("lib/python*/site-packages/*.dist-info"):
        name, _, version = dist.name.removesuffix(".dist-info").rpartition("-")
        if name.lower().replace("-", "_") == normalized:
            return version
    return None


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    root.parent.mkdir(parents=True, exist_ok=True)
    with (root.parent / f".{root.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _run(argv: list[str], log: Path) -> None:
    with log.open("ab") as out:
        try:
            done = subprocess.run(
                argv, stdout=out, stderr=subprocess.STDOUT, timeout=INSTALL_TIMEOUT_S, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise InstallError(f"{argv[0]}: {exc}") from None
    if done.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise InstallError(f"{' '.join(argv[:4])} ... exited {done.returncode}:\n{tail}")


def _python() -> str:
    """An interpreter for agent venvs: Debian's (world-executable), else this one's base."""
    for candidate in ("/usr/bin/python3.12", "/usr/bin/python3.11"):
        if os.access(candidate, os.X_OK):
            return candidate
    return getattr(sys, "_base_executable", sys.executable)


def install(adapter: type[Adapter] | Adapter, *, force: bool = False) -> tuple[Status, float]:
    """Install the adapter's CLI unless the cache already has it; return status and seconds."""
    package = adapter.package
    root = prefix(package, adapter.name)
    start = time.monotonic()
    with _locked(root):
        if not force and status(adapter).installed:
            return status(adapter), 0.0
        if root.exists():
            shutil.rmtree(root)
        root.mkdir(parents=True)
        log = root / "install.log"
        if package.registry == "npm":
            npm = shutil.which("npm")
            if npm is None:
                raise InstallError("npm is not installed (apt-get install nodejs npm)")
            argv = [npm, "install", "--prefix", str(root), "--no-audit", "--no-fund"]
            _run([*argv, "--loglevel=error", package.spec, *package.extras], log)
        else:
            _run([_python(), "-m", "venv", str(root)], log)
            pip = [str(root / "bin" / "python"), "-m", "pip", "install", "-q"]
            _run([*pip, "--disable-pip-version-check", package.spec, *package.extras], log)
        if not binary(adapter).exists():
            raise InstallError(f"installed, but {binary(adapter)} is missing")
        (root / STAMP).write_text(_wanted(package) + "\n", encoding="utf-8")
    return status(adapter), time.monotonic() - start
