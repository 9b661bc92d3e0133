"""The folders a viewer may read: run discovery and confinement of every path from a URL.

A run is addressed by an id made from its path relative to the folder it was found in
(``/`` written ``--``, so an id is one URL segment and one file name in an export);
URL ids are looked up in the discovered set, never joined to a path. The only URL part that
does become a path is a raw record's name inside a run, and it must resolve (symbolic links
followed) to a regular file inside that run directory and inside a given folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from assay.errors import InputError

RUN_MARK = "manifest.sha256"
"""What marks a run directory (``RunDir.open`` refuses a folder without it)."""
MAX_DEPTH = 4
"""How deep below a given folder runs are looked for (a run's own folders are not entered)."""


@dataclass(frozen=True)
class Roots:
    """The given folders, resolved once."""

    folders: tuple[Path, ...]

    @classmethod
    def of(cls, paths: list[Path]) -> Roots:
        """Check the given folders exist (bad input names the folder)."""
        out: list[Path] = []
        for p in paths:
            if not p.is_dir():
                raise InputError.single(
                    p, "", "not a folder", "give run directories or folders that hold them"
                )
            out.append(p.resolve())
        return cls(tuple(dict.fromkeys(out)))

    def discover(self) -> dict[str, Path]:
        """Run id → run directory, for every run under the given folders (sorted by id)."""
        found: dict[str, Path] = {}
        for root in self.folders:
            for run in _walk(root, 0):
                rel = run.relative_to(root).as_posix()
                base = root.name if rel == "." else rel.replace("/", "--")
                rid, k = base, 2
                while rid in found:
                    rid, k = f"{base}~{k}", k + 1
                found[rid] = run
        return dict(sorted(found.items()))

    def inside(self, path: Path) -> bool:
        """``path`` (resolved) lies inside one of the given folders."""
        return any(path.is_relative_to(f) for f in self.folders)

    def raw_file(self, run: Path, rel: str) -> Path | None:
        """The regular file ``rel`` names inside ``run``, or None if it may not be read.

        Refused: an empty or absolute name, any ``..`` or backslash part, and any name whose
        resolved target (symbolic links followed) leaves the run or the given folders.
        """
        if not rel or "\\" in rel or "\x00" in rel:
            return None
        parts = PurePosixPath(rel).parts
        if PurePosixPath(rel).is_absolute() or any(p in ("..", ".") for p in parts):
            return None
        base = run.resolve()
        target = (base / rel).resolve()
        if not target.is_relative_to(base) or not self.inside(target):
            return None
        return target if target.is_file() else None


def _walk(folder: Path, depth: int) -> list[Path]:
    if (folder / RUN_MARK).is_file():
        return [folder]
    if depth >= MAX_DEPTH:
        return []
    out: list[Path] = []
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return []
    for e in entries:
        # Symbolic links are not followed: a link could lead discovery outside the roots.
        if e.is_dir(follow_symlinks=False) and not e.name.startswith("."):
            out += _walk(Path(e.path), depth + 1)
    return out
