"""``assay optimize``: optimize an agent harness with a proposer, selected by the claim gate."""

from __future__ import annotations

from pathlib import Path

import typer


def optimize_cmd(
    project: Path | None = typer.Argument(
        None,
        help="Project file (assay.optimize.v1 TOML; with --resume, optional), or the word"
        " `matrix` followed by a matrix file (assay.optimize.matrix.v1).",
    ),
    matrix_file: Path | None = typer.Argument(
        None, help="With `matrix`: proposers × models × trials of one project."
    ),
    out: Path | None = typer.Option(None, "--out", help="Optimization folder to create."),
    resume: Path | None = typer.Option(
        None, "--resume", help="Continue the optimization in this folder."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Run PROJECT's harness optimization into a folder; print the best and the held-out claim.

    ``assay optimize matrix MATRIX.toml --out DIR`` runs the matrix instead (``--out``
    again continues it).
    """
    from datetime import UTC, datetime

    from assay.cli.options import output_folder, runs_dir
    from assay.errors import InputError
    from assay.optimize.ledger import objective_line
    from assay.optimize.loop import SOURCE, Optimization
    from assay.records.optimize import load_project, project_from_dict
    from assay.report.optimization import optimization_section
    from assay.store.atomic import write_atomic

    if project is not None and str(project) == "matrix":
        _matrix(matrix_file, out, as_json)
        return
    if matrix_file is not None:
        raise InputError.single(
            "command line", str(matrix_file), "one project file only", "give one PROJECT"
        )
    if project is None and resume is None:
        raise InputError.single(
            "command line", "PROJECT", "give a project file", "assay optimize PROJECT.toml"
        )
    if resume is not None and project is None:
        import json

        source, base_file = resume / "project.json", resume / SOURCE
        if not source.is_file() or not base_file.is_file():
            raise InputError.single(
                resume, "", "not an optimization folder", "give the --out of an optimization"
            )
        spec = project_from_dict(json.loads(source.read_text(encoding="utf-8")), source=str(source))
        base = Path(base_file.read_text(encoding="utf-8").strip())
    else:
        assert project is not None
        spec = load_project(project)
        base = project.resolve().parent
    if resume is not None:
        target = resume
    else:
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = output_folder(out or runs_dir() / f"optimize-{spec.name}-{stamp}", "--out")
    opt = Optimization(spec, base, target, say=lambda line: typer.echo(line, err=True))
    opt.start(resume=resume is not None)
    records = opt.run()
    write_atomic(target / "report.md", "# assay optimize\n\n" + optimization_section(target))
    best = records[-1].best
    heldout = next(r for r in records if r.outcome == "heldout-best")
    base_line = next(r for r in records if r.outcome == "heldout-baseline")
    if as_json:
        from assay.cli.options import print_json

        gate = heldout.gate
        print_json(
            {
                "folder": str(target),
                "best": best,
                "heldout_baseline": objective_line(base_line.objective),
                "heldout_best": objective_line(heldout.objective),
                "heldout_claim": None if gate is None else gate.status,
                "heldout_claim_reason": None if gate is None else gate.reason,
            }
        )
        return
    typer.echo(f"best: {best}")
    typer.echo(
        f"held-out: baseline {objective_line(base_line.objective)},"
        f" best {objective_line(heldout.objective)}"
    )
    if heldout.gate is not None:
        typer.echo(f"held-out claim: {heldout.gate.status} ({heldout.gate.reason or 'supported'})")
    typer.echo(str(target))


def _matrix(matrix_file: Path | None, out: Path | None, as_json: bool) -> None:
    from datetime import UTC, datetime

    from assay.cli.options import output_folder, runs_dir
    from assay.errors import InputError
    from assay.optimize.matrix import COLUMNS, run_matrix

    if matrix_file is None:
        raise InputError.single(
            "command line", "MATRIX", "give a matrix file", "assay optimize matrix MATRIX.toml"
        )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = output_folder(out or runs_dir() / f"optimize-matrix-{stamp}", "--out")
    result = run_matrix(matrix_file, target, say=lambda line: typer.echo(line, err=True))
    if as_json:
        from assay.cli.options import print_json

        cells = [c.model_dump(mode="json") for c in result.cells]
        print_json({"folder": str(target), "cells": cells})
        return
    typer.echo("\t".join(COLUMNS))
    for c in result.cells:
        typer.echo(
            f"{c.proposer}\t{c.model or ''}\t{c.trials}\t{c.success_rate}"
            f"\t{c.mean_best_objective}\t{c.timeout_rate}"
        )
    typer.echo(str(target))
