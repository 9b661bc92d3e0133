"""``assay run``: run an experiment manifest (the bundled demo by default), or resume one."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from assay.records.manifest import Manifest
    from assay.records.tasks import SuiteEntry
    from assay.tasks.load import Task

DEMO = Path(__file__).resolve().parent.parent / "runner" / "demo.toml"


def run_cmd(
    manifest: Path | None = typer.Argument(
        None, help="Experiment manifest (TOML); default: the demo."
    ),
    out: Path | None = typer.Option(None, "--out", help="Run directory to create."),
    resume: Path | None = typer.Option(None, "--resume", help="Continue the run in this folder."),
    suite: str | None = typer.Option(
        None, "--suite", help="Quick run: a suite instead of a manifest."
    ),
    agent: str = typer.Option(
        "loop", "--agent", help="Quick run: the agent kind (loop, oneshot, cli:NAME)."
    ),
    model: str | None = typer.Option(
        None, "--model", help="Quick run: the model spec (default: $ASSAY_MODEL, with --suite)."
    ),
    conditions: str = typer.Option("solo", "--conditions", help="Quick run: comma-separated ids."),
    seeds: int = typer.Option(1, "--seeds", min=1, help="Quick run: attempts per task."),
    temperature: float | None = typer.Option(
        None, "--temperature", help="Quick run: the agent's sampling temperature."
    ),
    max_tokens: int | None = typer.Option(
        None, "--max-tokens", help="Quick run: the agent's completion tokens per call."
    ),
    tasks: list[str] = typer.Option(
        [],
        "--tasks",
        help="Only these task ids or shell patterns ('sort-*'); comma-separated, repeatable.",
    ),
    limit: int | None = typer.Option(
        None, "--limit", min=1, help="The first N selected tasks of each suite, by id."
    ),
    settings: list[str] = typer.Option(
        [],
        "-M",
        "--model-setting",
        help="KEY=VALUE set in every agent's config (temperature, max_tokens, ...); repeatable.",
    ),
    max_connections: int | None = typer.Option(
        None,
        "--max-connections",
        min=1,
        max=256,
        envvar="ASSAY_MAX_CONNECTIONS",
        help="Model calls in flight at once (concurrency.model_connections).",
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", min=0.001, help="Seconds per attempt (timeouts.attempt_s)."
    ),
    review_model: str | None = typer.Option(
        None,
        "--review-model",
        envvar="ASSAY_REVIEW_MODEL",
        help="The model of the review channel (review.model).",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the result as one JSON document (implies --quiet)."
    ),
    quiet: bool = typer.Option(False, "--quiet", help="No progress bar."),
    no_preflight: bool = typer.Option(
        False,
        "--no-preflight",
        help="Skip the preflight checks (tasks, endpoints, agent CLIs, disk, claims) a new"
        " run makes first; nothing is stored as preflight.json then.",
    ),
    retry_faults: bool = typer.Option(
        False,
        "--retry-faults",
        help="With --resume: run again, as a new try, the attempts whose last try ended in an"
        " infrastructure fault (harness, full disk, endpoint unavailable).",
    ),
    executor: str | None = typer.Option(
        None,
        "--executor",
        help="Where attempts run: local (this machine's threads) or ray (a Ray cluster;"
        " needs the dist extra). Default: the manifest's executor table, else local.",
    ),
    address: str | None = typer.Option(
        None,
        "--address",
        help="With --executor ray: auto (a running cluster), HOST:PORT or ray://HOST:PORT;"
        " absent: a cluster of this machine is started for the run.",
    ),
) -> None:
    """Run MANIFEST (or the bundled demo) into a run directory; print its path.

    --tasks, --limit, -M, --max-connections, --timeout and --review-model change the
    manifest before it is hashed and are recorded in it (its `overrides` key): the run stays
    pre-registered, and a resume given other values is refused.
    """
    from datetime import UTC, datetime

    from assay.cli.options import executor_option, output_folder, print_json, runs_dir
    from assay.errors import InputError
    from assay.records.manifest import RunOverrides, load_manifest
    from assay.results.claims import check_claims
    from assay.results.outcomes import outcome_counts, unfinished_exit
    from assay.runner.execute import run_experiment
    from assay.runner.overrides import (
        apply_overrides,
        check_resume_overrides,
        parse_patterns,
        parse_settings,
    )
    from assay.runner.quick import quick_manifest
    from assay.store.rundir import RunDir

    source_text = None
    manifest_dir = None
    if suite is not None and model is None:
        # Read here, not as the option's envvar: the variable must not turn a quick run on.
        model = os.environ.get("ASSAY_MODEL") or None
    overrides = RunOverrides(
        tasks=parse_patterns(tasks) if tasks else None,
        limit=limit,
        model_settings=parse_settings(settings) if settings else None,
        max_connections=max_connections,
        timeout_s=timeout,
        review_model=review_model,
    )
    if retry_faults and resume is None:
        raise InputError.single(
            "command line",
            "--retry-faults",
            "only a resumed run has faults to retry",
            "add --resume RUN_DIR",
        )
    if resume is not None:
        m = load_manifest(manifest) if manifest is not None else RunDir.open(resume).manifest()
        check_resume_overrides(m, overrides, resume)
        target = resume
    else:
        if suite is not None or model is not None:
            if suite is None or model is None:
                raise InputError.single(
                    "command line",
                    "--suite/--model",
                    "a quick run needs both",
                    "give --suite and --model",
                )
            m = quick_manifest(
                suite=suite,
                agent=agent,
                model=model,
                conditions=conditions.split(","),
                seeds=seeds,
                temperature=temperature,
                max_tokens=max_tokens,
            )
        else:
            path = manifest or DEMO
            m = load_manifest(path)
            source_text = path.read_text(encoding="utf-8")
            manifest_dir = path.resolve().parent
        m = apply_overrides(m, overrides, manifest_dir)
        check_claims(m, str(manifest or "manifest"))
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        target = output_folder(out or runs_dir() / f"{m.name}-{stamp}", "--out")
    hook = None if resume is not None or no_preflight else _preflight_hook(m, target)
    chosen = executor_option(executor, address, m)
    run = run_experiment(
        m,
        target,
        resume=resume is not None,
        source_text=source_text,
        show_progress=not (quiet or as_json),
        manifest_dir=manifest_dir,
        retry_faults=retry_faults,
        preflight=hook,
        executor=chosen,
    )
    latest = list(run.latest().values())
    counts = outcome_counts(latest)
    raw = sum(r.success for r in latest)
    shipped = sum(r.shipped_success for r in latest)
    code = unfinished_exit(latest)
    if as_json:
        print_json(
            {
                "run_dir": str(run.root),
                "attempts": len(latest),
                "outcomes": dict(Counter(r.outcome for r in latest)),
                "shipped_successes": shipped,
                "raw_successes": raw,
                "exit_code": code,
            }
        )
    else:
        typer.echo(
            f"{len(latest)} attempts recorded ({counts}); {shipped} shipped successes,"
            f" {raw} raw successes (hidden tests pass, shipped or not)"
        )
        typer.echo(str(run.root))
    if code:
        typer.echo(
            f"no attempt could finish because of faults ({counts}); they are in"
            f" {run.root}/attempts.jsonl. Run infrastructure faults again with"
            f" `assay run --resume {run.root} --retry-faults`",
            err=True,
        )
        raise typer.Exit(code)


def _preflight_hook(manifest: Manifest, out: Path) -> Callable[[list[SuiteEntry], list[Task]], str]:
    """The preflight of a new run: a failed check stops it (exit 1, nothing written).

    A claim that can never be supported at the planned size is a warning here, not a stop:
    the attempts are still evidence (for other claims, as a pilot), and the claim will fail
    closed whatever the run shows. ``assay preflight`` exits 1 for it.
    """

    def check(suites: list[SuiteEntry], tasks: list[Task]) -> str:
        from assay.cli.preflight import print_preflight
        from assay.records.canonical import dumps
        from assay.runner.preflight import run_preflight

        record = run_preflight(manifest, suites, tasks, out, digest=manifest.digest())
        for c in record.checks:
            if c.kind == "claim" and not c.ok:
                typer.echo(f"warning: claim {c.name} {c.detail}", err=True)
        if any(not c.ok and c.kind != "claim" for c in record.checks):
            print_preflight(record)
            typer.echo(
                "the run was not started: fix the failures above, or skip the checks with"
                " --no-preflight",
                err=True,
            )
            raise typer.Exit(1)
        return dumps(record, indent=2) + "\n"

    return check
