"""``assay judge``: blind code-quality judgments of a run's attempts (never a gate)."""

from __future__ import annotations

from pathlib import Path

import typer


def judge_cmd(
    run: Path = typer.Argument(..., help="A run directory written by `assay run`."),
    judge_models: list[str] = typer.Option(
        ...,
        "--judge-model",
        help="A judge's model spec (scripted:PATH, openai:MODEL[@URL], ...); repeat for"
        " several judges (their agreement is Krippendorff's alpha).",
    ),
    rubric: str = typer.Option(
        "code-quality@1",
        "--rubric",
        help="A shipped rubric NAME@VERSION, or the path of a rubric TOML file.",
    ),
    include_all: bool = typer.Option(
        False, "--all", help="Judge every finished attempt, not only the successful ones."
    ),
    both_orders: bool = typer.Option(
        False,
        "--both-orders",
        help="Judge every pair in both orders (subject as A, then as B): measures position bias.",
    ),
    seed: int = typer.Option(
        0, "--seed", help="Seed of the order each pair is shown in (and of --limit's sample)."
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="Judge at most N pairs: a seeded sample of the selection."
    ),
    max_tokens: int = typer.Option(
        2048, "--max-tokens", min=16, help="Reply tokens per judgment at most."
    ),
    timeout_s: float = typer.Option(
        600.0, "--timeout", min=1.0, help="Seconds per try of a judge's call."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Score the final code of RUN's attempts against each task's reference solution.

    The judge sees the task's PROMPT.md and the code only (never the tests, the verdict, the
    arm or the model), head to head with the reference in a seeded random order. Judgments
    go to RUN/judgments.jsonl (assay.judgment.v1); a killed judge run resumes without
    duplicates. Success and claims are never changed. Exit 0; 1 when some calls got no
    reply (run the same command again to judge them); 2 on bad input.
    """
    from assay.judge import (
        JudgeOptions,
        agreement,
        judge_run,
        load_rubric,
        read_judgments,
        require_krippendorff,
    )
    from assay.models.spec import load_model
    from assay.results.runs import load_run
    from assay.runner.arms import price_table

    loaded = load_rubric(rubric)
    if len(set(judge_models)) > 1:
        require_krippendorff()  # before any call: agreement is part of what was asked
    prices = price_table(load_run(run).manifest)
    options = JudgeOptions(
        judges=tuple(judge_models),
        rubric=loaded,
        include_all=include_all,
        both_orders=both_orders,
        seed=seed,
        max_tokens=max_tokens,
        limit=limit,
        timeout_s=timeout_s,
    )
    summary = judge_run(
        run, options, lambda spec: load_model(spec, price_table=prices, timeout_s=timeout_s)
    )
    for fault in summary.faults:
        typer.echo(f"no reply: {fault}", err=True)
    rows = agreement(read_judgments(run))
    if as_json:
        from dataclasses import asdict

        from assay.cli.options import print_json

        print_json(
            {
                "judgments": str(run / "judgments.jsonl"),
                "rubric": loaded.label,
                "judges": len(set(judge_models)),
                "pairs": summary.pairs,
                "written": summary.written,
                "failed": summary.failed,
                "skipped": summary.skipped,
                "faults": list(summary.faults),
                "agreement": [asdict(r) for r in rows],
            }
        )
        raise typer.Exit(1 if summary.faults else 0)
    typer.echo(
        f"judged {summary.pairs} pair(s) with {len(set(judge_models))} judge(s), rubric"
        f" {loaded.label}: {summary.written} judgment(s) written ({summary.failed} failed),"
        f" {summary.skipped} already recorded"
    )
    for row in rows:
        value = "n/a" if row.alpha is None else f"{row.alpha:.3f}"
        note = f" ({row.note})" if row.note else ""
        typer.echo(f"alpha {row.dimension}: {value} over {row.units} unit(s){note}")
    typer.echo(str(run / "judgments.jsonl"))
    if summary.faults:
        raise typer.Exit(1)
