"""``assay sweep``: expand one manifest into arms by swept agent settings and run them."""

from __future__ import annotations

from pathlib import Path

import typer


def sweep_cmd(
    manifest: Path = typer.Argument(..., help="Experiment manifest (TOML)."),
    param: list[str] = typer.Option(
        ...,
        "--param",
        help="agents.ID.KEY=V1,V2,... (repeatable; several form their cartesian product).",
    ),
    out: Path | None = typer.Option(None, "--out", help="Run directory to create."),
    as_json: bool = typer.Option(
        False, "--json", help="Print the result as one JSON document (implies --quiet)."
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
    no_preflight: bool = typer.Option(
        False, "--no-preflight", help="Skip the preflight checks of a new run."
    ),
) -> None:
    """Run MANIFEST with each swept agent expanded into one arm per combination of values."""
    from collections import Counter
    from datetime import UTC, datetime

    from assay.cli.options import output_folder, print_json, runs_dir
    from assay.cli.run import _preflight_hook
    from assay.records.manifest import load_manifest
    from assay.results.claims import check_claims
    from assay.results.outcomes import outcome_counts, unfinished_exit
    from assay.runner.execute import run_experiment
    from assay.runner.sweep import expand, parse_param

    expanded = expand(load_manifest(manifest), [parse_param(p) for p in param])
    check_claims(expanded, str(manifest))
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = output_folder(out or runs_dir() / f"{expanded.name}-sweep-{stamp}", "--out")
    typer.echo(f"arms: {', '.join(a.id for a in expanded.agents)}", err=as_json)
    run = run_experiment(
        expanded,
        target,
        source_text=manifest.read_text(encoding="utf-8"),
        show_progress=not (quiet or as_json),
        manifest_dir=manifest.resolve().parent,
        preflight=None if no_preflight else _preflight_hook(expanded, target),
    )
    latest = list(run.latest().values())
    code = unfinished_exit(latest)
    if as_json:
        print_json(
            {
                "run_dir": str(run.root),
                "arms": [a.id for a in expanded.agents],
                "attempts": len(latest),
                "outcomes": dict(Counter(r.outcome for r in latest)),
                "exit_code": code,
            }
        )
    else:
        typer.echo(f"{len(latest)} attempts recorded ({outcome_counts(latest)})")
        typer.echo(str(run.root))
    if code:
        raise typer.Exit(code)
