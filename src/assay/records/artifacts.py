"""The artifact index (``artifacts.json``, ``assay.artifacts.v1``).

Every file of a folder by relative path with its sha256 and size, and the parent artifacts
it derives from, by hash.
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

ARTIFACTS: Final = "artifacts.json"
ARTIFACTS_SCHEMA: Final = "assay.artifacts.v1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class ArtifactFile(_Strict):
    """One file of the folder."""

    path: str
    """Relative to the folder, with forward slashes."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    bytes: int = Field(ge=0)


class ParentArtifact(_Strict):
    """An artifact this folder derives from, named by hash."""

    kind: Literal["run_manifest", "artifacts"]
    """``run_manifest``: a run's pre-registered manifest digest (``manifest.sha256``);
    ``artifacts``: the sha256 of another folder's ``artifacts.json``."""
    name: str
    """``manifest.json`` for the folder's own manifest, else the parent folder's name."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class ArtifactIndex(_Strict):
    """Every file of a folder, by hash, and the parents it derives from."""

    schema_id: Literal["assay.artifacts.v1"] = Field(default=ARTIFACTS_SCHEMA, alias="schema")
    generator: str
    files: list[ArtifactFile]
    parents: list[ParentArtifact] = Field(default_factory=list)
