"""A claims file: ``[[claims]]`` tables, as in a manifest, for data outside a run directory.

``assay claims evaluate DATA.csv --claims FILE.toml`` and ``assay claims compare`` decide
every claim of the file as one Holm family. Each table takes the fields of a manifest's
claim (:class:`~assay.records.claim.ClaimSpec`); a problem names the file, the claim's index
and the field.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assay.errors import InputError
from assay.records.claim import ClaimSpec


class ClaimsFile(BaseModel):
    """The claims of a claims file: one Holm family."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    claims: list[ClaimSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_family(self) -> ClaimsFile:
        ids = [c.id for c in self.claims]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate claim ids {ids}")
        levels = {(c.alpha, c.planned_looks) for c in self.claims}
        if len(levels) > 1:
            raise ValueError(f"claims must share alpha and planned_looks (found {sorted(levels)})")
        return self


def read_claims(path: Path) -> list[ClaimSpec]:
    """Read and validate a claims file; raise :class:`InputError` naming file and field."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError.single(path, "", "file not found", "check the path") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError.single(path, "", f"cannot read: {exc}", "pass a UTF-8 TOML file") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError.single(path, "", f"not valid TOML: {exc}", "fix the syntax") from None
    try:
        return list(ClaimsFile.model_validate(raw).claims)
    except ValidationError as exc:
        raise InputError.from_validation(
            exc,
            path,
            fix="write [[claims]] tables with the fields of a manifest's claims (README, Claims)",
            fixes={"finite_number": "give a finite number"},
        ) from None
