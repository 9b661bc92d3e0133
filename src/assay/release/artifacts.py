"""Artifact indexes (``artifacts.json``, schema ``assay.artifacts.v1``) and their verification.

An artifact index lists every file of a folder by relative path with its sha256 and
size, and names its parent artifacts by hash: a run directory's own pre-registered manifest
(``manifest.sha256``), and any folder it was derived from (a report's run directories).
Verification recomputes everything and reports each modified, missing or extra file and
each parent that no longer matches.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from assay import __version__
from assay.errors import InputError
from assay.records.artifacts import (
    ARTIFACTS,
    ARTIFACTS_SCHEMA,
    ArtifactFile,
    ArtifactIndex,
    ParentArtifact,
)
from assay.records.canonical import dumps
from assay.release.secrets import iter_files
from assay.store.rundir import RunDir

_CHUNK = 1 << 20


Problem = Literal["modified", "missing", "extra", "parent_mismatch"]


@dataclass(frozen=True)
class Mismatch:
    """One way the folder differs from its artifact index."""

    problem: Problem
    path: str
    detail: str


def sha256_file(path: Path) -> str:
    """The sha256 of a file, read in chunks."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _files(root: Path) -> dict[str, Path]:
    links = [p for p in root.rglob("*") if p.is_symlink()]
    if links:
        raise InputError.single(
            links[0],
            "",
            "a symbolic link in an artifact folder",
            "replace it with the file it points to, or remove it",
        )
    return {
        p.relative_to(root).as_posix(): p
        for p in iter_files(root)
        if p.relative_to(root).as_posix() != ARTIFACTS
    }


def _run_digest(folder: Path) -> str | None:
    file = folder / "manifest.sha256"
    if not file.is_file():
        return None
    return file.read_text(encoding="utf-8").strip()


def parent_of(folder: Path) -> ParentArtifact:
    """Name a parent folder by its ``artifacts.json`` hash, else by its run-manifest digest."""
    if (folder / ARTIFACTS).is_file():
        return ParentArtifact(
            kind="artifacts", name=folder.resolve().name, sha256=sha256_file(folder / ARTIFACTS)
        )
    digest = _run_digest(folder)
    if digest is None:
        raise InputError.single(
            folder,
            "",
            "not an artifact folder: no artifacts.json and no manifest.sha256",
            "write its manifest first (assay artifacts write DIR) or pass a run directory",
        )
    return ParentArtifact(kind="run_manifest", name=folder.resolve().name, sha256=digest)


def build_index(root: Path, parents: list[Path] | None = None) -> ArtifactIndex:
    """The artifact index of ``root`` as it is now."""
    files = [
        ArtifactFile(path=rel, sha256=sha256_file(p), bytes=p.stat().st_size)
        for rel, p in sorted(_files(root).items())
    ]
    found: list[ParentArtifact] = []
    own = _run_digest(root)
    if own is not None:
        found.append(ParentArtifact(kind="run_manifest", name="manifest.json", sha256=own))
    found += [parent_of(p) for p in parents or []]
    return ArtifactIndex(generator=f"assay {__version__}", files=files, parents=found)


def write_artifacts(root: Path, parents: list[Path] | None = None) -> Path:
    """Write ``root/artifacts.json``; return its path."""
    if not root.is_dir():
        raise InputError.single(root, "", "not a folder", "pass the folder to describe")
    manifest = build_index(root, parents)
    path = root / ARTIFACTS
    path.write_text(dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def read_artifacts(root: Path) -> ArtifactIndex:
    """Read and validate ``root/artifacts.json``."""
    path = root / ARTIFACTS
    if not path.is_file():
        raise InputError.single(
            path, "", "no artifact index", "write one with `assay artifacts write DIR`"
        )
    try:
        return ArtifactIndex.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as exc:
        raise InputError.single(
            path,
            "",
            f"not an {ARTIFACTS_SCHEMA} manifest: {str(exc).splitlines()[0]}",
            "write it again with `assay artifacts write DIR` from trusted files",
        ) from None


def _current_run_digest(root: Path) -> str | None:
    """The digest of the folder's ``manifest.json`` as it is now; None if absent or unreadable."""
    try:
        return RunDir(root).current_digest()
    except InputError:
        return None


def verify_artifacts(root: Path, parents: list[Path] | None = None) -> list[Mismatch]:
    """Every difference between ``root`` and its artifact index (empty: it verifies).

    The folder's own run-manifest parent is checked against ``manifest.sha256`` and against
    the hash of ``manifest.json`` itself; other parents only when their folders are given.
    """
    recorded = read_artifacts(root)
    out: list[Mismatch] = []
    actual = _files(root)
    listed = {f.path: f for f in recorded.files}
    for rel, f in sorted(listed.items()):
        p = actual.get(rel)
        if p is None:
            out.append(Mismatch("missing", rel, "listed but not present"))
            continue
        size = p.stat().st_size
        digest = sha256_file(p)
        if digest != f.sha256 or size != f.bytes:
            out.append(
                Mismatch(
                    "modified",
                    rel,
                    f"sha256 {digest[:12]} ({size} B), listed {f.sha256[:12]} ({f.bytes} B)",
                )
            )
    out += [
        Mismatch("extra", rel, "present but not listed")
        for rel in sorted(set(actual) - set(listed))
    ]
    given = {parent_of(p).name: parent_of(p) for p in parents or []}
    for parent in recorded.parents:
        if parent.kind == "run_manifest" and parent.name == "manifest.json":
            now = _run_digest(root)
            hashed = _current_run_digest(root)
            if now != parent.sha256 or hashed != parent.sha256:
                out.append(
                    Mismatch(
                        "parent_mismatch",
                        "manifest.json",
                        f"the run manifest hashes to {(hashed or 'nothing')[:12]}, recorded"
                        f" {parent.sha256[:12]}",
                    )
                )
        elif parent.name in given and given[parent.name].sha256 != parent.sha256:
            out.append(
                Mismatch(
                    "parent_mismatch",
                    parent.name,
                    f"parent now hashes to {given[parent.name].sha256[:12]}, recorded"
                    f" {parent.sha256[:12]}",
                )
            )
    return out
