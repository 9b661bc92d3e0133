"""``assay claims``: decide pre-registered claims with a gate that fails closed.

Commands are sub-commands (``assay claims evaluate``) so that evaluation straight from run
directories can join them without changing what exists: ``assay claims check RUN_DIR...``,
which ``assay claims RUN_DIR...`` also reaches (a first argument that names no sub-command
is taken as a run directory).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import typer
from typer.core import TyperGroup

from assay.cli.claims_output import print_result, print_run

if TYPE_CHECKING:
    import typer._click as click

    from assay.claims import ClaimSpec, Row


class _RunDirDefault(TyperGroup):
    """``assay claims RUN_DIR...`` means ``assay claims check RUN_DIR...``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["check", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    help="Decide pre-registered claims; a claim without enough evidence fails closed."
    "\n\n`assay claims RUN_DIR...` is short for `assay claims check RUN_DIR...`.",
    no_args_is_help=True,
    cls=_RunDirDefault,
)


@app.command(
    "evaluate",
    help="Decide whether TREATMENT beats CONTROL by more than the margin on DATA.csv."
    "\n\nSupported only if the one-sided lower bound exceeds margin + budgets, the sign test"
    " and Holm's adjustment pass, and nothing is flagged; otherwise fail-closed with a"
    " reason. Exit 0 supported, 1 fail-closed, 2 bad input.",
)
def evaluate_cmd(
    data: Path = typer.Argument(
        ...,
        metavar="DATA.csv",
        help="Attempt rows: columns task, arm, attempt, value and optionally cluster. A value"
        " is a number, or 'error' / 'timeout' (counted as a failure: the metric's worst value).",
    ),
    *,
    treatment: str | None = typer.Option(
        None, "--treatment", help="The arm claimed to be better (not with --claims)."
    ),
    control: str | None = typer.Option(
        None, "--control", help="The arm it is compared against (not with --claims)."
    ),
    claims_file: Path | None = typer.Option(
        None,
        "--claims",
        metavar="FILE.toml",
        help="Decide every [[claims]] table of FILE (where, per, requires_all, design...) as"
        " one Holm family, instead of the one claim the options describe.",
    ),
    per: list[str] = typer.Option(
        [],
        "--per",
        help="Expand the claim into one sub-claim per suite, seed or task (repeatable; the"
        " CSV needs that column: suite, seed, or task).",
    ),
    design: Literal["paired", "replicates"] = typer.Option(
        "paired",
        "--design",
        help="'replicates': runs of two arms on one task, one-sided Fisher exact test.",
    ),
    min_runs: int = typer.Option(5, "--min-runs", help="replicates: fewest runs per arm."),
    metric: str = typer.Option("success", "--metric", help="Name of the metric in DATA."),
    claim_id: str | None = typer.Option(
        None, "--id", help="Claim id for the ledger (default: TREATMENT-vs-CONTROL-METRIC)."
    ),
    direction: Literal["greater", "less"] = typer.Option(
        "greater", "--direction", help="'less' when a lower metric is better (cost, time)."
    ),
    margin: float = typer.Option(0.05, "--margin", help="Smallest gain worth claiming (δ0)."),
    transport: float = typer.Option(
        0.0, "--transport-budget", help="Allowance for the gain not carrying over elsewhere."
    ),
    audit: float = typer.Option(
        0.0, "--audit-budget", help="Allowance for measurement distorting the gain."
    ),
    alpha: float = typer.Option(0.025, "--alpha", help="One-sided error rate."),
    min_n: int = typer.Option(2, "--min-n", help="Fewest tasks (or clusters) to decide on."),
    looks: int = typer.Option(1, "--looks", help="Planned looks at the data; alpha is split."),
    low: float = typer.Option(0.0, "--min-value", help="Lowest possible metric value."),
    high: float = typer.Option(1.0, "--max-value", help="Highest possible metric value."),
    ledger: Path | None = typer.Option(
        None, "--ledger", help="Append-only JSONL ledger of looks; enforces --looks."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the claim record as JSON."),
) -> None:
    """Decide one claim on a CSV of attempts (help text in the decorator, to wrap cleanly)."""
    from assay.errors import require_extra

    require_extra("scipy", feature="assay claims evaluate")
    from pydantic import ValidationError

    from assay.claims import ClaimSpec, LookLedger, evaluate_claim, read_rows
    from assay.claims.claimsfile import read_claims
    from assay.errors import InputError
    from assay.records.canonical import dumps

    rows = read_rows(data)
    arms = sorted({r.arm for r in rows})
    if claims_file is not None:
        if treatment is not None or control is not None:
            raise InputError.single(
                "command line",
                "--claims",
                "--claims decides the file's claims; --treatment and --control describe one",
                "give either --claims FILE or --treatment and --control",
            )
        _evaluate_many(data, rows, read_claims(claims_file), ledger, as_json)
        return
    if treatment is None or control is None:
        raise InputError.single(
            "command line",
            "--treatment/--control",
            "a claim needs both arms",
            "give --treatment and --control (or --claims FILE.toml)",
        )
    for option, arm in (("--treatment", treatment), ("--control", control)):
        if arm not in arms:
            raise InputError.single(
                data, option, f"no rows for arm {arm!r}", f"use one of the arms: {', '.join(arms)}"
            )
    try:
        spec = ClaimSpec.model_validate(
            {
                "id": claim_id or f"{treatment}-vs-{control}-{metric}",
                "metric": metric,
                "treatment": treatment,
                "control": control,
                "direction": direction,
                "margin": margin,
                "transport_budget": transport,
                "audit_distortion_budget": audit,
                "alpha": alpha,
                "min_n": min_n,
                "planned_looks": looks,
                "bounds": (low, high),
                "per": per,
                "design": design,
                "min_runs": min_runs,
            }
        )
    except ValidationError as exc:
        raise InputError.from_validation(
            exc,
            "command line",
            fix="see assay claims evaluate --help for each option's range",
            top="claim",
        ) from exc
    if spec.per:
        _evaluate_many(data, rows, [spec], ledger, as_json)
        return
    result = evaluate_claim(spec, rows, ledger=LookLedger(ledger) if ledger else None)
    if as_json:
        typer.echo(dumps(result, indent=2))
    else:
        print_result(result)
    raise typer.Exit(0 if result.status == "supported" else 1)


def _evaluate_many(
    data: Path, rows: list[Row], specs: list[ClaimSpec], ledger: Path | None, as_json: bool
) -> None:
    """Decide a family of claims (sub-claims included) on CSV rows; exit as ``evaluate``."""
    from assay.errors import require_extra

    require_extra("scipy", feature="assay claims evaluate")
    from assay.claims import LookLedger, evaluate_family
    from assay.errors import InputError
    from assay.records.canonical import dumps

    arms = sorted({r.arm for r in rows})
    for i, spec in enumerate(specs):
        for field in ("treatment", "control"):
            arm = getattr(spec, field)
            if arm not in arms:
                raise InputError.single(
                    data,
                    f"claims.{i}.{field}",
                    f"no rows for arm {arm!r}",
                    f"use one of the arms: {', '.join(arms)}",
                )
    by_metric = {s.metric: rows for s in specs}
    try:
        results = evaluate_family(specs, by_metric, ledger=LookLedger(ledger) if ledger else None)
    except ValueError as exc:
        raise InputError.single(data, "claims", str(exc), "give every claim its own id") from None
    if as_json:
        payload = {
            "schema": "assay.claims.family.v1",
            "results": [r.model_dump(mode="json", by_alias=True) for r in results],
        }
        typer.echo(dumps(payload, indent=2))
    else:
        for result in results:
            print_result(result)
    raise typer.Exit(0 if all(r.status == "supported" for r in results) else 1)


@app.command(
    "check",
    help="Decide the claims pre-registered in each run directory's manifest (also:"
    " `assay claims RUN_DIR...`)."
    "\n\nRows: one per attempt (task, arm, seed, the claim's metric); faults and interrupted"
    " attempts count as failures. A claim's treatment and control name a condition id (one"
    " agent), an agent id (one condition) or AGENT/CONDITION. The claims of one manifest form"
    " one Holm family. manifest_changed when manifest.json no longer hashes to"
    " manifest.sha256; missing_artifacts when an attempt's events or diff are gone;"
    " run_unfinished when planned attempts have no finished record (unless --interim:"
    " an interim look, one of the planned looks). Claims with per are reported with their"
    " sub-claims. Every"
    " evaluation is a look, kept in RUN_DIR/claims/ledger.jsonl. Exit 0 when every claim is"
    " supported, 1 when any fails closed (or none was pre-registered), 2 on bad input.",
)
def check_cmd(
    runs: list[Path] = typer.Argument(
        ..., metavar="RUN_DIR...", help="Run directories written by `assay run`."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the decisions as JSON."),
    interim: bool = typer.Option(
        False,
        "--interim",
        "--allow-unfinished",
        help="On an unfinished run: decide on the attempts recorded, as an interim look that"
        " counts against planned_looks (alpha is split across them). Without it such a run's"
        " claims fail closed (run_unfinished) with no statistic and no look spent.",
    ),
) -> None:
    """Decide the pre-registered claims of run directories (help text in the decorator)."""
    # Before any look is recorded: deciding a claim needs the intervals of scipy.
    from assay.errors import require_extra

    require_extra("scipy", feature="assay claims")
    from assay.records.canonical import dumps
    from assay.results.audit import audit_distortions
    from assay.results.claims import evaluate_run
    from assay.results.runs import load_runs

    decided = [evaluate_run(run, interim=interim) for run in load_runs(runs)]
    audits = [audit_distortions(d.run) for d in decided]
    if as_json:
        payload = {
            "schema": "assay.claims.runs.v1",
            "runs": [
                d.to_json() | {"audit_distortion": [e.to_json() for e in est]}
                for d, est in zip(decided, audits, strict=True)
            ],
        }
        typer.echo(dumps(payload, indent=2))
    else:
        for d, est in zip(decided, audits, strict=True):
            print_run(d)
            for e in est:
                typer.echo(
                    f"  audit distortion ({e.claim_id}, {e.condition}, sample {e.rate:g}):"
                    f" declared budget {e.budget:g}; {e.note}"
                )
    results = [r for d in decided for r in d.results]
    ok = bool(results) and all(r.status == "supported" for r in results)
    raise typer.Exit(0 if ok else 1)


@app.command(
    "compare",
    help="Decide claims across two recorded runs that share tasks: RUN_A is the control"
    " (arm A), RUN_B the treatment (arm B), paired by task on the tasks both planned."
    "\n\nThe runs are checked first and every difference is printed. Incompatible (a shared"
    " task's files differ, no task is shared, the compared condition is defined differently,"
    " or a cost/utility claim's weights differ): the claims fail closed (runs_incompatible)"
    " with no statistic, and the exit is 2. Otherwise exit 0 when every claim is supported,"
    " 1 when any fails closed. Without --claims, one claim from the options (as `evaluate`)."
    " Looks are enforced only with --ledger.",
)
def compare_cmd(
    run_a: Path = typer.Argument(..., metavar="RUN_A", help="The control run."),
    run_b: Path = typer.Argument(..., metavar="RUN_B", help="The treatment run."),
    *,
    arm: str | None = typer.Option(
        None, "--arm", help="The arm of each run to compare (condition, agent, AGENT/CONDITION)."
    ),
    arm_a: str | None = typer.Option(None, "--arm-a", help="RUN_A's arm, if not --arm."),
    arm_b: str | None = typer.Option(None, "--arm-b", help="RUN_B's arm, if not --arm."),
    claims_file: Path | None = typer.Option(
        None, "--claims", metavar="FILE.toml", help="[[claims]] with treatment B, control A."
    ),
    metric: str = typer.Option("success", "--metric", help="The claim's metric."),
    direction: Literal["greater", "less"] = typer.Option("greater", "--direction"),
    margin: float = typer.Option(0.05, "--margin", help="Smallest gain worth claiming (δ0)."),
    alpha: float = typer.Option(0.025, "--alpha", help="One-sided error rate."),
    min_n: int = typer.Option(2, "--min-n", help="Fewest shared tasks to decide on."),
    per: list[str] = typer.Option([], "--per", help="Sub-claims per suite, seed (repeatable)."),
    ledger: Path | None = typer.Option(
        None, "--ledger", help="Append-only JSONL ledger of looks for this comparison."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the decisions as JSON."),
) -> None:
    """Decide claims across two runs (help text in the decorator)."""
    from assay.errors import require_extra

    require_extra("scipy", feature="assay claims compare")
    from pydantic import ValidationError

    from assay.claims import ClaimSpec, LookLedger
    from assay.claims.claimsfile import read_claims
    from assay.errors import InputError
    from assay.records.canonical import dumps
    from assay.results.compare import CONTROL, TREATMENT, compare_runs, resolve_compare_arm
    from assay.results.runs import load_runs

    a, b = load_runs([run_a, run_b])
    refs = []
    for run, name, option in ((a, arm_a or arm, "--arm-a"), (b, arm_b or arm, "--arm-b")):
        ref = resolve_compare_arm(run, name)
        if isinstance(ref, str):
            raise InputError.single(run.root, option, ref, "name the arm with --arm")
        refs.append(ref)
    if claims_file is not None:
        specs = read_claims(claims_file)
    else:
        try:
            specs = [
                ClaimSpec.model_validate(
                    {
                        "id": f"{TREATMENT}-vs-{CONTROL}-{metric}",
                        "metric": metric,
                        "treatment": TREATMENT,
                        "control": CONTROL,
                        "direction": direction,
                        "margin": margin,
                        "alpha": alpha,
                        "min_n": min_n,
                        "per": per,
                    }
                )
            ]
        except ValidationError as exc:
            raise InputError.from_validation(
                exc, "command line", fix="see assay claims compare --help", top="claim"
            ) from exc
    for i, spec in enumerate(specs):
        if {spec.treatment, spec.control} != {TREATMENT, CONTROL}:
            raise InputError.single(
                claims_file or "command line",
                f"claims.{i}",
                f"arms {spec.treatment!r} and {spec.control!r}",
                "in a comparison the arms are A (RUN_A) and B (RUN_B)",
            )
    done = compare_runs(
        a, b, refs[0], refs[1], specs, ledger=LookLedger(ledger) if ledger else None
    )
    compat = done.compatibility
    if as_json:
        payload = {
            "schema": "assay.claims.compare.v1",
            "run_a": a.label,
            "run_b": b.label,
            "arm_a": refs[0].name,
            "arm_b": refs[1].name,
            "compatible": compat.ok,
            "incompatible": compat.incompatible,
            "differences": compat.noted,
            "shared_tasks": compat.shared_tasks,
            "results": [r.model_dump(mode="json", by_alias=True) for r in done.results],
        }
        typer.echo(dumps(payload, indent=2))
    else:
        typer.echo(
            f"compare: A = {a.label} ({refs[0].name}), B = {b.label} ({refs[1].name}),"
            f" {len(compat.shared_tasks)} shared task(s)"
        )
        for line in compat.incompatible:
            typer.echo(f"  INCOMPATIBLE: {line}")
        for line in compat.noted:
            typer.echo(f"  differs: {line}")
        for result in done.results:
            print_result(result)
    if not compat.ok:
        raise typer.Exit(2)
    raise typer.Exit(0 if all(r.status == "supported" for r in done.results) else 1)
