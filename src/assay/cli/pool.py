"""``assay pool``: build candidate pools for reranking, and check one."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(help="Candidate pools for reranking (assay.pool.v1).")

ORIGINS = ("mutation", "runs", "sample")


@app.command(
    "build",
    help="Build a pool folder from SOURCE: a suite (--origin mutation: the reference and its"
    " failing AST mutants; --origin sample: n one-shot samples of --model, as a resumable run)"
    " or a run directory (--origin runs: every attempt's final code with its verdict)."
    " Writes pool.json, candidates.jsonl, dropped.jsonl and artifacts.json; prints the folder.",
)
def build_cmd(
    source: str = typer.Argument(..., metavar="SUITE_OR_RUN", help="A suite, or a run directory."),
    origin: str = typer.Option(..., "--origin", help="mutation, runs or sample."),
    out: Path = typer.Option(..., "--out", help="The pool folder to write (new or empty)."),
    pool_size: int = typer.Option(6, "--pool-size", help="mutation: candidates per problem."),
    seed: int = typer.Option(0, "--seed", help="The shuffle's seed (and the sampling's base)."),
    benchmark: str | None = typer.Option(
        None, "--benchmark", help="mutation: the benchmark name (default: the suite's folder)."
    ),
    repeats: int | None = typer.Option(
        None, "--repeats", help="mutation: gate repeats per candidate (default: the task's)."
    ),
    model: str | None = typer.Option(None, "--model", help="sample: the model spec."),
    n: int = typer.Option(1, "--n", help="sample: samples per problem (1-100)."),
    temperature: float | None = typer.Option(None, "--temperature", help="sample: temperature."),
    max_tokens: int = typer.Option(512, "--max-tokens", help="sample: tokens per completion."),
    run_dir: Path | None = typer.Option(
        None, "--run-dir", help="sample: the run directory (default: OUT-run; resumed if there)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Build a pool (help text in the decorator)."""
    from assay.cli.options import output_folder
    from assay.errors import InputError
    from assay.rerank.pool_build import finish

    if origin not in ORIGINS:
        raise InputError.single(
            "command line", "--origin", f"unknown origin {origin!r}", f"use one of {ORIGINS}"
        )
    if pool_size < 2:
        raise InputError.single(
            "command line", "--pool-size", f"{pool_size} is too small", "use 2 or more"
        )
    if not 1 <= n <= 100:
        raise InputError.single("command line", "--n", f"{n} is out of range", "use 1 to 100")
    if repeats is not None and not 1 <= repeats <= 20:
        raise InputError.single(
            "command line", "--repeats", f"{repeats} is out of range", "use 1 to 20"
        )
    output_folder(out, "--out")
    if out.is_dir() and any(out.iterdir()):
        raise InputError.single(out, "--out", "the folder is not empty", "give a new folder")
    if origin == "mutation":
        from assay.rerank.pool_mutation import build_mutation

        built = build_mutation(
            source, pool_size=pool_size, seed=seed, benchmark=benchmark, repeats=repeats
        )
    elif origin == "runs":
        from assay.rerank.pool_runs import build_runs

        built = build_runs(Path(source), seed=seed, source=source)
    else:
        from assay.rerank.pool_sample import build_sample

        if model is None:
            raise InputError.single(
                "command line", "--model", "sampling needs a model", "give --model SPEC"
            )
        target = run_dir or out.with_name(out.name + "-run")
        output_folder(target, "--run-dir")
        built = build_sample(
            source,
            target,
            model=model,
            n=n,
            temperature=temperature,
            seed=seed,
            max_tokens=max_tokens,
        )
    info = finish(built, out)
    if as_json:
        from assay.cli.options import print_json

        print_json(
            {
                "folder": str(out),
                "problems": info.problems,
                "candidates": info.candidates,
                "dropped": info.dropped,
                "origin": info.origin,
                "seed": info.seed,
            }
        )
        return
    typer.echo(
        f"{info.problems} problems, {info.candidates} candidates, {info.dropped} dropped"
        f" ({info.origin}, seed {info.seed})"
    )
    typer.echo(str(out))


@app.command(
    "check",
    help="Read POOL and validate every record (file, line and field of anything wrong: exit"
    " 2), then check it against its artifacts.json (exit 1 on a mismatch). Prints a summary.",
)
def check_cmd(
    pool: Path = typer.Argument(..., metavar="POOL", help="A pool folder."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Check a pool (help text in the decorator)."""
    from assay.release.artifacts import verify_artifacts
    from assay.rerank.pool_io import read_pool

    read = read_pool(pool)
    passing = sum(c.passed for c in read.candidates)
    problems = verify_artifacts(pool)
    if as_json:
        from dataclasses import asdict

        from assay.cli.options import print_json

        print_json(
            {
                "problems": len(read.problems),
                "candidates": len(read.candidates),
                "passing": passing,
                "dropped": len(read.dropped),
                "origin": read.info.origin,
                "seed": read.info.seed,
                "mismatches": [asdict(p) for p in problems],
            }
        )
        raise typer.Exit(1 if problems else 0)
    typer.echo(
        f"{len(read.problems)} problems, {len(read.candidates)} candidates ({passing} passing),"
        f" {len(read.dropped)} dropped; origin {read.info.origin}, seed {read.info.seed}"
    )
    for p in problems:
        typer.echo(f"{p.problem}: {p.path}: {p.detail}")
    raise typer.Exit(1 if problems else 0)
