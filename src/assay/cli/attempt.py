"""``assay attempt``: one attempt in the foreground, live progress, the outcome's exit code."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import typer


def _follow(events: Path, stop: threading.Event) -> None:
    """Print the passes and tool calls of the attempt as its events are written."""
    offset = 0
    while True:
        finished = stop.is_set()
        try:
            with events.open("rb") as fh:
                fh.seek(offset)
                chunk = fh.read()
        except OSError:
            chunk = b""
        complete = chunk[: chunk.rfind(b"\n") + 1]
        offset += len(complete)
        for raw in complete.splitlines():
            try:
                event = json.loads(raw)
            except ValueError:
                continue
            line = _describe(event.get("kind"), event.get("data") or {})
            if line:
                typer.echo(line, err=True)
        if finished:
            return
        stop.wait(0.2)


def _describe(kind: object, data: dict[str, object]) -> str | None:
    if kind == "pass_start":
        return f"pass {data.get('pass')}"
    if kind == "tool_call":
        mark = " (elided)" if data.get("elided") else ""
        ok = "ok" if data.get("ok") else "failed"
        return f"  {data.get('tool')} {json.dumps(data.get('args'))[:80]} {ok}{mark}"
    if kind == "pass_end":
        return f"  pass {data.get('pass')} ended: {data.get('reason')}"
    if kind == "probe":
        return f"  end-of-pass probe: {'passed' if data.get('passed') else 'failed'}"
    return None


def attempt_cmd(
    task: Path = typer.Argument(..., help="A task folder."),
    model: str = typer.Option(..., "--model", envvar="ASSAY_MODEL", help="The model spec."),
    agent: str = typer.Option("loop", "--agent", help="loop or cli:NAME."),
    config: list[str] = typer.Option(
        [], "--config", help="KEY=VALUE of the agent's config (repeatable), e.g. ctx_limit=8000."
    ),
    workdir: Path | None = typer.Option(
        None, "--workdir", help="The run directory to keep (default runs/attempt-TASK-STAMP)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the result as one JSON document."),
) -> None:
    """Run one attempt of TASK and exit with its outcome's code (see README)."""
    from datetime import UTC, datetime

    from assay.cli.options import output_folder, print_json, runs_dir
    from assay.errors import InputError
    from assay.records.attempt import events_file
    from assay.records.manifest import manifest_from_dict
    from assay.records.outcome import EXIT_CODES
    from assay.runner.execute import run_experiment
    from assay.runner.spec import AttemptSpec
    from assay.runner.sweep import parse_value
    from assay.tasks.load import load_task

    loaded = load_task(task)
    settings: dict[str, object] = {}
    for item in config:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise InputError.single(
                "command line", "--config", f"{item!r} is not KEY=VALUE", "give e.g. ctx_limit=8000"
            )
        settings[key] = parse_value(value)
    manifest = manifest_from_dict(
        {
            "name": f"attempt-{loaded.id}",
            "suites": [str(task.resolve())],
            "agents": [{"id": "agent", "kind": agent, "model": model, "config": settings}],
            "conditions": [{"id": "solo"}],
            "concurrency": {"attempts": 1},
        },
        source="command line",
    )
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    target = output_folder(workdir or runs_dir() / f"attempt-{loaded.id}-{stamp}", "--workdir")
    typer.echo(f"attempt of {loaded.id} in {target}", err=True)
    stop = threading.Event()
    spec = AttemptSpec(
        task=loaded, agent=manifest.agents[0], condition=manifest.conditions[0], seed=1
    )
    events = target / events_file(spec.attempt_id)
    follower = threading.Thread(target=_follow, args=(events, stop), daemon=True)
    follower.start()
    try:
        run = run_experiment(manifest, target, show_progress=False)
    finally:
        stop.set()
        follower.join()
    (record,) = run.latest().values()
    if as_json:
        print_json(
            {
                "run_dir": str(run.root),
                "attempt_id": record.attempt_id,
                "outcome": record.outcome,
                "success": record.success,
                "passes": len(record.pass_reasons[-1]) if record.pass_reasons else 0,
                "exit_code": EXIT_CODES[record.outcome],
            }
        )
        raise typer.Exit(EXIT_CODES[record.outcome])
    typer.echo(
        f"{record.outcome}: {len(record.pass_reasons[-1]) if record.pass_reasons else 0} passes,"
        f" hidden tests {'pass' if record.success else 'fail'}"
    )
    typer.echo(str(run.root))
    raise typer.Exit(EXIT_CODES[record.outcome])
