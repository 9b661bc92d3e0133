"""``assay artifacts``: artifact indexes (``artifacts.json``) with sha256 of every file."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import typer

app = typer.Typer(help="Write and verify artifact indexes (artifacts.json, sha256 per file).")
manifest_app = typer.Typer(
    help="`assay manifest verify DIR`: the same command as `assay artifacts verify DIR`."
)

PARENT_HELP = (
    "A folder this one derives from (a run directory behind a report); recorded by the hash"
    " of its artifacts.json, else its manifest.sha256. Repeatable."
)


@app.command(
    "write",
    help="Write DIR/artifacts.json (assay.artifacts.v1): every file's relative path, sha256"
    " and size, and the parent artifacts by hash (a run directory's manifest digest, and"
    " every --parent). Prints its path.",
)
def write_cmd(
    folder: Path = typer.Argument(..., metavar="DIR", help="The folder to describe."),
    parent: list[Path] = typer.Option([], "--parent", help=PARENT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Write an artifact index (help text in the decorator)."""
    from assay.release.artifacts import read_artifacts, write_artifacts

    path = write_artifacts(folder, parent)
    files = len(read_artifacts(folder).files)
    if as_json:
        typer.echo(json.dumps({"path": str(path), "files": files}, indent=2, sort_keys=True))
        return
    typer.echo(f"{path} ({files} files)")


@app.command(
    "verify",
    help="Check DIR against DIR/artifacts.json: every listed file present with its sha256 and"
    " size, no file unlisted, the run manifest unchanged (and each --parent given still"
    " matching). Exit 0 verified, 1 on any mismatch, 2 on bad input.",
)
def verify_cmd(
    folder: Path = typer.Argument(..., metavar="DIR", help="The folder to check."),
    parent: list[Path] = typer.Option([], "--parent", help=PARENT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the mismatches as JSON."),
) -> None:
    """Verify an artifact index (help text in the decorator)."""
    from assay.release.artifacts import read_artifacts, verify_artifacts

    problems = verify_artifacts(folder, parent)
    if as_json:
        typer.echo(json.dumps([asdict(p) for p in problems], indent=2, sort_keys=True))
    elif problems:
        for p in problems:
            typer.echo(f"{p.problem}: {p.path}: {p.detail}")
        typer.echo(f"{len(problems)} mismatch(es)")
    else:
        typer.echo(f"verified: {len(read_artifacts(folder).files)} files match artifacts.json")
    raise typer.Exit(1 if problems else 0)


manifest_app.command(
    "verify",
    help="The same check as `assay artifacts verify` (one code path): DIR against"
    " DIR/artifacts.json. Exit 0 verified, 1 on any mismatch, 2 on bad input.",
)(verify_cmd)
