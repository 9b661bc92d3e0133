"""Checks of command-line options shared by several commands."""

from __future__ import annotations

import json
import os
from pathlib import Path

import typer

from assay.errors import InputError


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


RUNS_DIR_ENV = "ASSAY_RUNS_DIR"
"""The folder new run directories go under by default, and `assay runs list` reads."""


def runs_dir() -> Path:
    """``$ASSAY_RUNS_DIR`` when set, else ``runs`` (relative to the current folder)."""
    return Path(os.environ.get(RUNS_DIR_ENV) or "runs")


def print_json(value: object) -> None:
    """Print ``value`` as the command's one JSON document on stdout (sorted keys, no NaN)."""
    typer.echo(json.dumps(value, indent=2, sort_keys=True, allow_nan=False))
