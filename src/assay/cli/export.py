"""``assay export``: a run directory in other tools' formats (Inspect, Parquet/CSV, SWE-bench)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

app = typer.Typer(
    help="Write a run directory in other tools' formats; the run directory stays the authority.",
    no_args_is_help=True,
)

RUN_HELP = "A run directory written by `assay run`."
TABLE_HELP = "Which table of `assay query`: attempts, channels, passes, events or runs."


@app.command("inspect")
def inspect_cmd(
    run: Path = typer.Argument(..., help=RUN_HELP),
    out: Path = typer.Option(..., "--out", help="Folder for the .eval logs (Inspect's log dir)."),
    as_json: bool = typer.Option(False, "--json", help="Print the files written as JSON."),
) -> None:
    """Write Inspect AI .eval logs: one per agent × model × condition, tasks as samples.

    Seeds are epochs, the hidden verdict is the score (C/I, with an accuracy metric), the
    transcript is rebuilt from the attempt's events. Needs the `inspect` extra.
    """
    from assay.cli.options import output_folder
    from assay.interop.inspect_log import export_inspect
    from assay.results.runs import load_run

    folder = output_folder(out, "--out")
    files = export_inspect(load_run(run), folder)
    if as_json:
        typer.echo(json.dumps({"files": [str(f) for f in files]}, indent=2))
        return
    for f in files:
        typer.echo(str(f))


def _tabular(run: Path, out: Path, table: str, fmt: str, as_json: bool) -> None:
    from assay.interop.tabular import export_table
    from assay.results.runs import load_run

    rows = export_table(load_run(run), table, out, "parquet" if fmt == "parquet" else "csv")
    if as_json:
        typer.echo(json.dumps({"file": str(out), "rows": rows, "table": table}, indent=2))
    else:
        typer.echo(f"{out}: {rows} row(s) of {table}")


@app.command("parquet")
def parquet_cmd(
    run: Path = typer.Argument(..., help=RUN_HELP),
    out: Path = typer.Option(..., "--out", help="The .parquet file to write."),
    table: str = typer.Option("attempts", "--table", help=TABLE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Write one table of the run (default: attempts, one row per attempt) as Parquet."""
    _tabular(run, out, table, "parquet", as_json)


@app.command("csv")
def csv_cmd(
    run: Path = typer.Argument(..., help=RUN_HELP),
    out: Path = typer.Option(..., "--out", help="The .csv file to write."),
    table: str = typer.Option("attempts", "--table", help=TABLE_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Write one table of the run (default: attempts, one row per attempt) as CSV."""
    _tabular(run, out, table, "csv", as_json)


@app.command("swebench-preds")
def swebench_cmd(
    run: Path = typer.Argument(..., help=RUN_HELP),
    out: Path = typer.Option(
        ...,
        "--out",
        help="With --arm: the .jsonl file; without: a folder, one AGENT.CONDITION.jsonl per arm.",
    ),
    arm: str | None = typer.Option(None, "--arm", help="One arm, as AGENT/CONDITION."),
    seed: int = typer.Option(1, "--seed", help="Which seed's attempt gives each task's patch."),
    as_json: bool = typer.Option(False, "--json", help="Print what was written as JSON."),
) -> None:
    """Write SWE-bench predictions (instance_id, model_name_or_path, model_patch).

    One line per task: the final diff of the attempt of that arm at that seed; the instance
    id is the task id. Tasks without a recorded attempt are left out and counted.
    """
    from assay.cli.options import output_folder
    from assay.interop.swebench import arm_file_name, arms_of, predictions, write_predictions
    from assay.results.runs import load_run

    data = load_run(run)
    if arm is not None:
        targets = [(arm, out)]
    else:
        folder = output_folder(out, "--out")
        targets = [(a, folder / arm_file_name(a)) for a in arms_of(data)]
    written = []
    for name, path in targets:
        preds = predictions(data, name, seed)
        write_predictions(preds, path)
        written.append((path, preds))
    if as_json:
        rows = [
            {"arm": p.arm, "file": str(f), "lines": len(p.lines), "missing": p.missing}
            for f, p in written
        ]
        typer.echo(json.dumps({"seed": seed, "written": rows}, indent=2))
        return
    for f, p in written:
        gone = f", {len(p.missing)} task(s) without an attempt" if p.missing else ""
        typer.echo(f"{f}: {len(p.lines)} prediction(s) of {p.arm} seed {seed}{gone}")
