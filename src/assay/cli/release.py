"""``assay release``: make run directories and reports fit to publish."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assay.release.secrets import Finding

app = typer.Typer(help="Release hygiene: remove caches, relativize paths, scan for secrets.")


def _print_findings(findings: list[Finding]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(findings)} finding(s)", title_justify="left")
    for column in ("kind", "file", "line", "column", "excerpt (redacted)"):
        table.add_column(column)
    for f in findings:
        table.add_row(f.kind, f.path, str(f.line), str(f.column), f.excerpt)
    Console(stderr=False, highlight=False, soft_wrap=True).print(table)


def _folder(path: Path) -> Path:
    from assay.errors import InputError

    if not path.is_dir():
        raise InputError.single(path, "", "not a folder", "pass a run directory or report folder")
    return path


@app.command(
    "clean",
    help="Remove caches, rewrite absolute paths in RUN_DIR's records as relative ones (and"
    " paths under your home as ~/...), then scan for secrets and leaked paths. RUN_DIR is a"
    " run directory or a report folder; only assay's own records in it are rewritten, any"
    " other file is scanned and left as it is."
    "\n\nFindings are typed (openai_key, anthropic_key, github_token, aws_key, private_key,"
    " home_path, ...). The hashed manifest files are never rewritten. Exit 0 clean, 1 with"
    " findings, 2 on bad input.",
)
def clean_cmd(
    run_dir: Path = typer.Argument(
        ..., metavar="RUN_DIR", help="A run directory or a report folder written by assay."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Change nothing; report and scan."),
    as_json: bool = typer.Option(False, "--json", help="Print the outcome as JSON."),
) -> None:
    """Clean and scan a folder for release (help text in the decorator)."""
    from assay.release.clean import clean_tree

    report = clean_tree(_folder(run_dir), dry_run=dry_run)
    if as_json:
        payload = {
            "dry_run": dry_run,
            "removed": report.removed,
            "rewritten": report.rewritten,
            "skipped": report.skipped,
            "findings": [asdict(f) for f in report.findings],
            "clean": report.clean,
        }
        typer.echo(json.dumps(payload, indent=2, sort_keys=True))
    else:
        verb = "would remove" if dry_run else "removed"
        typer.echo(f"{verb} {len(report.removed)} cache file(s)/folder(s)")
        for rel in report.removed:
            typer.echo(f"  {rel}")
        verb = "would rewrite" if dry_run else "rewrote"
        total = sum(report.rewritten.values())
        typer.echo(f"{verb} {total} absolute path(s) in {len(report.rewritten)} file(s)")
        for rel, count in sorted(report.rewritten.items()):
            typer.echo(f"  {rel}: {count}")
        if report.skipped:
            typer.echo(f"left as they are (not assay's records): {len(report.skipped)} file(s)")
            for rel in report.skipped:
                typer.echo(f"  {rel}")
        if report.clean:
            typer.echo("secret scan: clean")
        else:
            _print_findings(report.findings)
    raise typer.Exit(0 if report.clean else 1)


@app.command(
    "scan",
    help="Scan a folder for secrets and leaked paths without changing anything."
    " Exit 0 clean, 1 with findings, 2 on bad input.",
)
def scan_cmd(
    folder: Path = typer.Argument(..., metavar="DIR", help="Any folder (a run, a report)."),
    as_json: bool = typer.Option(False, "--json", help="Print the findings as JSON."),
) -> None:
    """Scan a folder (help text in the decorator)."""
    from assay.release.secrets import scan_tree

    findings = scan_tree(_folder(folder))
    if as_json:
        typer.echo(json.dumps([asdict(f) for f in findings], indent=2, sort_keys=True))
    elif findings:
        _print_findings(findings)
    else:
        typer.echo("secret scan: clean")
    raise typer.Exit(1 if findings else 0)
