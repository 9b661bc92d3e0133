"""Checks of command-line options shared by several commands."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from assay.errors import InputError

if TYPE_CHECKING:
    from assay.records.manifest import ExecutorSpec, Manifest


def output_folder(path: Path, option: str) -> Path:
    """``path`` if a folder can be there (it is one, or nothing is); else bad input.

    Checked before anything runs, so ``--out`` naming a file (or a path through one) is
    a clear error instead of a traceback after the work is done.
    """
    for p in (path, *path.parents):
        if p.exists() or p.is_symlink():
            if not p.is_dir():
                what = "is a file" if p == path else f"goes through {p}, which is a file"
                raise InputError.single(
                    path, option, f"{what}, not a folder", f"give {option} a folder's path"
                )
            break
    return path


def executor_option(
    kind: str | None, address: str | None, manifest: Manifest
) -> ExecutorSpec | None:
    """``--executor``/``--address`` over the manifest's ``[executor]``; bad values exit 2."""
    from pydantic import ValidationError

    from assay.records.manifest import ExecutorSpec

    if kind is None and address is None:
        return None
    base = manifest.executor or ExecutorSpec()
    data = {"kind": kind or base.kind, "address": address or base.address}
    if data["kind"] == "local" and address is not None:
        raise InputError.single(
            "command line",
            "--address",
            "only the ray executor takes an address",
            "add --executor ray",
        )
    try:
        return ExecutorSpec.model_validate(data)
    except ValidationError as exc:
        raise InputError.from_validation(
            exc,
            "command line",
            fix="--executor local|ray; --address auto, HOST:PORT or ray://HOST:PORT",
        ) from None


RUNS_DIR_ENV = "ASSAY_RUNS_DIR"
"""The folder new run directories go under by default, and `assay runs list` reads."""


def runs_dir() -> Path:
    """``$ASSAY_RUNS_DIR`` when set, else ``runs`` (relative to the current folder)."""
    return Path(os.environ.get(RUNS_DIR_ENV) or "runs")


def print_json(value: object) -> None:
    """Print ``value`` as the command's one JSON document on stdout (sorted keys, no NaN)."""
    typer.echo(json.dumps(value, indent=2, sort_keys=True, allow_nan=False))
