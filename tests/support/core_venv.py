"""A fresh virtualenv holding only the core package (``pip install .``, no extras), offline.

The core dependencies (``[project] dependencies`` of pyproject.toml, pinned by
requirements.lock) and the build backend are downloaded once per machine into a wheel
folder (``make core-wheels``, which ``make test`` runs; or the first test that needs it).
After that, building the wheel and installing it never reach an index: ``--no-index
--find-links`` on that folder. The venv is made without pip (the test's own pip installs
into it with ``--python``), which saves the ensurepip step.

``python -m tests.support.core_venv wheels`` fills the wheel folder.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
WHEELS = Path(
    os.environ.get("ASSAY_CORE_WHEELS") or Path.home() / ".cache" / "assay" / "core-wheels"
)
_PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input", "-q"]


def core_requirements() -> list[str]:
    """The core dependencies and the build backend, as pyproject.toml declares them."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return [*project["project"]["dependencies"], *project["build-system"]["requires"]]


def _wheel_prefix(requirement: str) -> str:
    """``name-`` of a requirement's wheel file (``name-version-`` when it is pinned)."""
    name, _, version = requirement.partition("==")
    name = re.split(r"[<>!~\[; ]", name, maxsplit=1)[0].lower().replace("-", "_")
    return f"{name}-{version.strip()}-" if version else f"{name}-"


def wheels_ready() -> bool:
    """Whether the wheel folder holds a wheel of every core requirement at its pin."""
    if not WHEELS.is_dir():
        return False
    have = [p.name.lower() for p in WHEELS.glob("*.whl")]
    return all(any(h.startswith(_wheel_prefix(r)) for h in have) for r in core_requirements())


def fill_wheels() -> None:
    """Download the core requirements (and theirs) as wheels; a no-op once they are there."""
    if wheels_ready():
        return
    WHEELS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            *_PIP,
            "download",
            "--only-binary=:all:",
            "-d",
            str(WHEELS),
            "-c",
            str(REPO / "requirements.lock"),
            *core_requirements(),
        ],
        check=True,
        timeout=600,
    )


def make_core_venv(where: Path) -> Path:
    """A new venv at ``where`` with the core package installed; returns its ``bin`` folder."""
    fill_wheels()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(where)], check=True)
    python = where / "bin" / "python"
    dist = where.parent / f"{where.name}-dist"
    offline = ["--no-index", "--find-links", str(WHEELS)]
    # A wheel built from the work tree (non-editable), then installed like any wheel.
    subprocess.run(
        [*_PIP, "wheel", *offline, "--no-deps", "-w", str(dist), str(REPO)],
        check=True,
        timeout=300,
    )
    (wheel,) = dist.glob("assay-*.whl")
    subprocess.run(
        [*_PIP, "--python", str(python), "install", *offline, str(wheel)],
        check=True,
        timeout=300,
    )
    return where / "bin"


if __name__ == "__main__":
    if sys.argv[1:] != ["wheels"]:
        sys.exit("usage: python -m tests.support.core_venv wheels")
    fill_wheels()
    print(WHEELS)
