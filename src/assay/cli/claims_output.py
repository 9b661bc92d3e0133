"""How ``assay claims`` prints a decided claim and a run's claims."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assay.claims import ClaimResult
    from assay.results.claims import RunClaims


def print_result(result: ClaimResult) -> None:
    """One claim's verdict, its reason and its statistics, as `assay claims` prints them."""

    def num(value: float | None, sign: str = "") -> str:
        return "n/a" if value is None else f"{value:{sign}.4g}"

    status = "SUPPORTED" if result.reason is None else f"FAIL-CLOSED ({result.reason})"
    typer.echo(f"{result.claim.id}: {status}" + (" [interim look]" if result.interim else ""))
    typer.echo(f"  {result.detail}")
    if result.treatment_runs is not None and result.control_runs is not None:
        (x1, n1), (x2, n2) = result.treatment_runs, result.control_runs
        typer.echo(
            f"  replicates: {result.claim.treatment} {x1}/{n1}, {result.claim.control} {x2}/{n2};"
            f" difference {num(result.mean_difference, '+')};"
            f" bound {num(result.lower_bound, '+')} ({result.bound or 'none'})"
            f" vs threshold {result.threshold:g}"
        )
        typer.echo(
            f"  one-sided Fisher p {num(result.p_claim)}  Holm-adjusted"
            f" {num(result.holm_adjusted_p)}  alpha per look {result.alpha_per_look:g}"
            + (f"  look {result.look}" if result.look is not None else "")
        )
        return
    units = f"{result.n} clusters of " if result.unit == "cluster" else ""
    typer.echo(
        f"  {units}{result.tasks} tasks, {result.attempts} attempts;"
        f" mean difference {num(result.mean_difference, '+')};"
        f" lower bound {num(result.lower_bound, '+')} ({result.bound or 'none'})"
        f" vs threshold {result.threshold:g}"
    )
    typer.echo(
        f"  p_t {num(result.p_t)}  p_sign {num(result.p_sign)}  claim p {num(result.p_claim)}"
        f"  Holm-adjusted {num(result.holm_adjusted_p)}  alpha per look {result.alpha_per_look:g}"
        + (f"  look {result.look}" if result.look is not None else "")
    )


def print_run(decided: RunClaims) -> None:
    """A run's manifest state, progress notes and every claim decided on it."""
    run = decided.run
    state = "intact" if run.manifest_intact else "CHANGED"
    typer.echo(
        f"run {run.label}: manifest {run.recorded_digest[:12]} ({state}),"
        f" {len(decided.results)} pre-registered claim(s)"
    )
    for note in (run.progress_note(), run.faults_note()):
        if note:
            typer.echo(f"  {note}")
    if not decided.results:
        typer.echo("  no claims were pre-registered: nothing may be claimed")
    for result in decided.results:
        print_result(result)
