"""``assay rerank``, ``assay calibrate`` and ``assay split``: reranking a candidate pool."""

from __future__ import annotations

from pathlib import Path

import typer

SUITE_HELP = "A suite folder holding the pool's tasks (repeatable; default: the pool's source)."
OUT_HELP = "Folder for the records (default POOL.rerank beside the pool)."


def _seeds(seeds: list[int]) -> list[int]:
    from assay.errors import InputError

    if not seeds:
        return [1]
    if any(s < 1 for s in seeds) or len(set(seeds)) != len(seeds):
        raise InputError.single(
            "--seed",
            ",".join(map(str, seeds)),
            "seeds must be distinct whole numbers from 1",
            "give --seed 1 --seed 2",
        )
    return seeds


def rerank_cmd(
    pool_dir: Path = typer.Argument(..., help="The pool folder (holding pool.json)."),
    scorer: str = typer.Option(
        ..., "--scorer", help="Built-in name, module:callable or entry point."
    ),
    seed: list[int] = typer.Option([], "--seed", help="A seed (from 1); repeat for several."),
    baseline: list[str] = typer.Option(
        [], "--baseline", help="A required baseline (default: random, no_action, shuffled)."
    ),
    margin: float = typer.Option(0.03, "--margin", min=0.0, max=1.0, help="δ0 in pass@1 units."),
    alpha: float = typer.Option(0.025, "--alpha", min=1e-6, max=0.49, help="One-sided alpha."),
    k: list[int] = typer.Option([5], "--k", min=1, help="pass@k to report (repeatable)."),
    suite: list[Path] = typer.Option([], "--suite", help=SUITE_HELP),
    model: str | None = typer.Option(None, "--model", help="Model spec of the judged scorer."),
    out: Path | None = typer.Option(None, "--out", help=OUT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """Rerank POOL with a scorer; gates per benchmark × seed × baseline.

    Exit 0 supported, 1 fail-closed (saturated included), 2 bad input.
    """
    from assay.errors import InputError
    from assay.records.canonical import dumps
    from assay.rerank.cards import pool_card, scorer_card
    from assay.rerank.lift import BASELINES
    from assay.rerank.pool_io import read_pool
    from assay.rerank.run import DEFAULT_BASELINES, rerank, results_dir, seal, write_record
    from assay.rerank.scorers.plugins import ScorerOptions, load_scorer, safe_name
    from assay.rerank.scoring import TaskFinder, default_suites
    from assay.store.atomic import write_atomic

    unknown = [b for b in baseline if b not in BASELINES]
    if unknown:
        raise InputError.single(
            "--baseline", unknown[0], "not a baseline", f"use one of {', '.join(BASELINES)}"
        )
    seeds = _seeds(seed)
    pool = read_pool(pool_dir)
    the_scorer = load_scorer(scorer, ScorerOptions(model=model))
    finder = TaskFinder(default_suites(pool, suite))
    record = rerank(
        pool,
        the_scorer,
        seeds,
        finder=finder,
        baselines=list(dict.fromkeys(baseline)) or list(DEFAULT_BASELINES),
        margin=margin,
        alpha=alpha,
        ks=k,
    )
    folder = results_dir(pool, out)
    name = safe_name(record.scorer)
    path = write_record(folder / f"{name}.json", record)
    write_atomic(folder / f"{name}.card.md", scorer_card(record, the_scorer))
    write_atomic(folder / "pool_card.md", pool_card(pool))
    seal(folder, pool)
    if as_json:
        typer.echo(dumps(record, indent=2))
    else:
        _print_rerank(record)
        typer.echo(f"record: {path}")
    raise typer.Exit(0 if record.status == "supported" else 1)


def _print_rerank(record: object) -> None:
    from assay.records.rerank import RerankRecord

    assert isinstance(record, RerankRecord)
    for s in record.slices:
        flag = "  SATURATED (no decidable problem)" if s.saturated else ""
        typer.echo(
            f"{s.benchmark} seed {s.seed}: {s.problems} problems, {s.decidable} decidable,"
            f" {s.missing} missing{flag}"
        )
        for m, v in s.methods.items():
            ks = " ".join(f"pass@{k} {x:.3f}" for k, x in v.pass_at_k.items())
            typer.echo(f"  {m:<10} pass@1 {v.pass_at_1:.3f}  MRR {v.mrr:.3f}  {ks}")
        for lift in s.lifts:
            ci = (
                f"[{lift.lower:+.1f}, {lift.upper:+.1f}] ({lift.method})"
                if lift.lower is not None and lift.upper is not None
                else f"not estimable: {lift.note}"
            )
            typer.echo(f"  lift over {lift.baseline:<10} {lift.points:+.1f} pt {ci}")
        if s.gap_closed is not None:
            typer.echo(f"  oracle gap closed: {s.gap_closed:.2f}")
    typer.echo("gates:")
    for g in record.gates:
        typer.echo(
            f"  {g.claim.id}: {g.status}" + (f" ({g.reason}: {g.detail})" if g.reason else "")
        )
    sat = " (saturated: not a gain)" if record.saturated else ""
    typer.echo(f"overall: {record.status}{sat}")


def calibrate_cmd(
    pool_dir: Path = typer.Argument(..., help="The pool folder (holding pool.json)."),
    scorer: str = typer.Option(
        ..., "--scorer", help="Built-in name, module:callable or entry point."
    ),
    seed: int = typer.Option(1, "--seed", min=1, help="The scorer's seed."),
    suite: list[Path] = typer.Option([], "--suite", help=SUITE_HELP),
    model: str | None = typer.Option(None, "--model", help="Model spec of the judged scorer."),
    out: Path | None = typer.Option(None, "--out", help=OUT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """ROC-AUC (DeLong), average precision, Brier and ECE of a scorer's p_pass on POOL.

    Exit 0 when the overall status is ok, 1 otherwise, 2 bad input.
    """
    from assay.errors import require_extra

    require_extra("sklearn", "scipy", "matplotlib", feature="assay calibrate")
    from assay.records.canonical import dumps
    from assay.records.rerank import SPLIT_FILE
    from assay.rerank.calibrate import calibrate, reliability_png
    from assay.rerank.pool_io import read_pool
    from assay.rerank.run import results_dir, seal, write_record
    from assay.rerank.scorers.plugins import ScorerOptions, load_scorer, safe_name
    from assay.rerank.scoring import TaskFinder, default_suites
    from assay.rerank.split_io import read_split

    pool = read_pool(pool_dir)
    the_scorer = load_scorer(scorer, ScorerOptions(model=model))
    folder = results_dir(pool, out)
    split = read_split(folder / SPLIT_FILE)
    record = calibrate(pool, the_scorer, seed, TaskFinder(default_suites(pool, suite)), split)
    name = safe_name(record.scorer)
    png = reliability_png(record, folder / f"{name}.reliability.png")
    record = record.model_copy(update={"diagram": png.name if png is not None else None})
    path = write_record(folder / f"{name}.calibration.json", record)
    seal(folder, pool)
    if as_json:
        typer.echo(dumps(record, indent=2))
    else:
        for s in [record.overall, *record.slices]:
            typer.echo(_calibration_line(s))
        typer.echo(f"record: {path}")
    raise typer.Exit(0 if record.overall.status == "ok" else 1)


def _calibration_line(s: object) -> str:
    from assay.records.rerank import CalibrationSlice

    assert isinstance(s, CalibrationSlice)
    head = f"{s.name}: n {s.n}, passing {s.positives}, status {s.status}"
    if s.status != "ok":
        return f"{head} ({s.detail})"
    auc = f"AUC {s.roc_auc:.3f}"
    if s.auc_lower is not None and s.auc_upper is not None:
        auc += f" [{s.auc_lower:.3f}, {s.auc_upper:.3f}] (DeLong)"
    parts = [head, auc, f"AP {s.average_precision:.3f}"]
    if s.brier is not None:
        parts.append(
            f"Brier {s.brier:.3f} (rel {s.reliability:.3f}, res {s.resolution:.3f},"
            f" unc {s.uncertainty:.3f}), ECE {s.ece_width:.3f} width / {s.ece_mass:.3f} mass"
        )
    if s.unstable:
        parts.append("unstable: fewer than 200 candidates")
    return ", ".join(parts)


def split_cmd(
    pool_dir: Path = typer.Argument(..., help="The pool folder (holding pool.json)."),
    seed: int = typer.Option(1, "--seed", help="The shuffle's seed."),
    ratios: str = typer.Option("85/5/10", "--ratios", help="TRAIN/VALIDATION/TEST shares."),
    out: Path | None = typer.Option(None, "--out", help=OUT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the record as JSON."),
) -> None:
    """Split POOL's problems into train/validation/test.

    Exit 0 split, 1 blocked (split_coverage_blocker), 2 bad input.
    """
    from assay.records.canonical import dumps
    from assay.records.rerank import SPLIT_FILE
    from assay.rerank.pool_io import read_pool
    from assay.rerank.run import results_dir, seal, write_record
    from assay.rerank.split import parse_ratios, split_pool

    shares = parse_ratios(ratios)
    pool = read_pool(pool_dir)
    record = split_pool(pool, seed, shares)
    folder = results_dir(pool, out)
    path = write_record(folder / SPLIT_FILE, record)
    seal(folder, pool)
    if as_json:
        typer.echo(dumps(record, indent=2))
    elif record.blocker is not None:
        typer.echo(f"split_coverage_blocker: {'; '.join(record.blocker.missing)}", err=True)
        typer.echo(f"record: {path}")
    else:
        for name, c in record.counts.items():
            typer.echo(
                f"{name}: {c.problems} problems, {c.candidates} candidates"
                f" ({c.passing} passing, {c.failing} failing)"
            )
        typer.echo(f"attempt {record.attempt}; record: {path}")
    raise typer.Exit(0 if record.status == "ok" else 1)
