"""``assay preflight``: check a manifest before an expensive run (also run by ``assay run``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assay.records.preflight import PreflightRecord


def preflight_cmd(
    manifest: Path = typer.Argument(..., help="Experiment manifest (TOML)."),
    out: Path = typer.Option(
        Path("runs"), "--out", help="Where the run would be written (for the disk check)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the assay.preflight.v1 record."),
) -> None:
    """Check MANIFEST before running it (also the first step of `assay run`).

    Tasks solvable, endpoints answering, agent CLIs installed, disk space, planned attempts
    and a time estimate, and per claim the smallest effect it could ever be supported on at
    the planned size. Exit 0 when every check passes, 1 when any fails (each failure
    named), 2 on bad input.
    """
    from assay.records.canonical import dumps
    from assay.records.manifest import load_manifest
    from assay.results.claims import check_claims
    from assay.runner.preflight import run_preflight
    from assay.runner.prepare import load_tasks, resolve_suites

    m = load_manifest(manifest)
    check_claims(m, str(manifest))
    suites = resolve_suites(m, manifest.resolve().parent)
    record = run_preflight(m, suites, load_tasks(m, suites), out, digest=m.digest())
    if as_json:
        typer.echo(dumps(record, indent=2))
    else:
        print_preflight(record)
    raise typer.Exit(0 if record.ok else 1)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "unknown"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def print_preflight(record: PreflightRecord) -> None:
    """The checks, failures first, then the plan and each claim's smallest effect."""
    failed = [c for c in record.checks if not c.ok]
    passed = [c for c in record.checks if c.ok and c.kind != "claim"]
    typer.echo(f"preflight: {'ok' if record.ok else f'{len(failed)} check(s) FAILED'}")
    for c in failed:
        typer.echo(f"  FAILED {c.kind} {c.name}: {c.detail}")
    kinds = sorted({c.kind for c in passed})
    for kind in kinds:
        mine = [c for c in passed if c.kind == kind]
        names = ", ".join(c.name for c in mine[:6]) + (" ..." if len(mine) > 6 else "")
        typer.echo(f"  ok {kind}: {len(mine)} ({names})")
    typer.echo(
        f"  plan: {record.planned_attempts} attempts, {record.concurrency} at a time;"
        f" at least {_duration(record.estimate_low_s)} of verification,"
        f" at most {_duration(record.estimate_high_s)} (timeouts.attempt_s)"
    )
    for p in record.claims:
        effect = "NEVER" if p.smallest_effect is None else f"{p.smallest_effect:.3g}"
        typer.echo(f"  claim {p.claim_id}: smallest effect ever supported {effect} ({p.detail})")
