"""``assay optimize matrix``: one project's optimization per proposer × model × trial.

Each trial is an ordinary optimization folder (``cells/NN-PROPOSER[-MODEL]/trial-K``),
resumed when it already exists, so a killed matrix continues where it stopped. The
aggregates per cell: success rate (the held-out claim supported), mean best objective (the
final best's search objective), timeout rate (a trial with a ``timeout`` candidate).
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable
from pathlib import Path

from assay.optimize.loop import Optimization
from assay.records.canonical import dumps
from assay.records.optimize import (
    CandidateRecord,
    MatrixCell,
    MatrixResult,
    MatrixSpec,
    ProposerSpec,
    load_project,
)
from assay.records.tomlfile import read_toml, validate_as
from assay.store.atomic import write_atomic

COLUMNS = ("proposer", "model", "trials", "success_rate", "mean_best_objective", "timeout_rate")


def load_matrix(path: Path) -> MatrixSpec:
    """Read and validate a matrix file (exit 2 naming file and field)."""
    raw = read_toml(path, "matrix file")
    return validate_as(MatrixSpec, raw, path, fix="see README: Harness optimization")


def cells(spec: MatrixSpec) -> list[ProposerSpec]:
    """Every proposer × model: a ``cli:NAME`` proposer once per model, others once."""
    out = []
    for proposer in spec.proposers:
        if proposer.kind.startswith("cli:") and spec.models:
            out += [proposer.model_copy(update={"model": m}) for m in spec.models]
        else:
            out.append(proposer)
    return out


def _slug(index: int, p: ProposerSpec) -> str:
    name = p.kind + (f"-{p.model}" if p.kind.startswith("cli:") and p.model else "")
    return f"{index:02d}-" + re.sub(r"[^A-Za-z0-9_.-]+", "_", name)[:60]


def _aggregate(
    p: ProposerSpec, ledgers: list[list[CandidateRecord]], folders: list[str]
) -> MatrixCell:
    supported, best, timeouts = [], [], []
    for lines in ledgers:
        held = next(r for r in lines if r.outcome == "heldout-best")
        supported.append(held.gate is not None and held.gate.status == "supported")
        final = next(
            r for r in lines if r.candidate == held.best and r.outcome in ("baseline", "keep")
        )
        best.append(0.0 if final.objective is None else final.objective.mean)
        timeouts.append(any(r.outcome == "timeout" for r in lines))
    n = len(ledgers)
    return MatrixCell(
        proposer=p.kind,
        model=p.model if p.kind.startswith("cli:") else None,
        trials=n,
        success_rate=round(sum(supported) / n, 6),
        mean_best_objective=round(statistics.fmean(best), 6),
        timeout_rate=round(sum(timeouts) / n, 6),
        folders=folders,
    )


def run_matrix(path: Path, out: Path, say: Callable[[str], None]) -> MatrixResult:
    """Run (or continue) every trial of the matrix in ``path`` into ``out``."""
    spec = load_matrix(path)
    project_file = (path.parent / spec.project).resolve()
    project = load_project(project_file)
    result = []
    for index, proposer in enumerate(cells(spec)):
        ledgers, folders = [], []
        for trial in range(1, spec.trials + 1):
            folder = out / "cells" / _slug(index, proposer) / f"trial-{trial}"
            variant = project.model_copy(update={"proposer": proposer})
            opt = Optimization(variant, project_file.parent, folder, say)
            opt.start(resume=(folder / "project.sha256").is_file())
            say(f"{folder.relative_to(out)}")
            ledgers.append(opt.run())
            folders.append(folder.relative_to(out).as_posix())
        result.append(_aggregate(proposer, ledgers, folders))
    matrix = MatrixResult(cells=result)
    write_atomic(out / "matrix.json", dumps(matrix, indent=2) + "\n")
    rows = ["\t".join(COLUMNS)] + [
        "\t".join(
            str(v)
            for v in (
                c.proposer,
                c.model or "",
                c.trials,
                c.success_rate,
                c.mean_best_objective,
                c.timeout_rate,
            )
        )
        for c in result
    ]
    write_atomic(out / "matrix.tsv", "\n".join(rows) + "\n")
    return matrix
