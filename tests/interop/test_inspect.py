"""``assay export inspect``: Inspect's own tools read the logs and agree with assay's numbers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from assay.results.metrics import arm_metrics
from assay.results.runs import load_run
from tests.conftest import REPO
from tests.interop.conftest import SEEDS, TASKS
from tests.support.rundir import CLAIM_IDS

INSPECT = Path(sys.executable).parent / "inspect"


def read_logs(folder: Path) -> dict[str, object]:
    from inspect_ai.log import read_eval_log

    return {str(f): read_eval_log(str(f)) for f in sorted(folder.glob("*.eval"))}


def success_by_condition(run: Path) -> dict[str, float | None]:
    """The success rate per condition as the report computes it (mean over tasks)."""
    data = load_run(run)
    return {a.condition: a.estimate("success").mean for a in arm_metrics(data.records)}


def test_inspect_log_list_lists_every_arm(inspect_logs: Path) -> None:
    files = sorted(str(f) for f in inspect_logs.glob("*.eval"))
    assert len(files) == 3  # one per arm: loop × {solo, auto, escalate}
    done = subprocess.run(
        [
            str(INSPECT),
            "log",
            "list",
            "--log-dir",
            str(inspect_logs),
            "--absolute",
            "--status",
            "success",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(line.strip() for line in done.stdout.splitlines() if line.strip()) == files


def test_accuracy_equals_success_rate(inspect_logs: Path, finished_run: Path) -> None:
    from inspect_ai.log import EvalLog

    expected = success_by_condition(finished_run)
    assert len(set(expected.values())) > 1  # the conditions differ: the check can fail
    records = [json.loads(x) for x in (finished_run / "attempts.jsonl").read_text().splitlines()]
    for log in read_logs(inspect_logs).values():
        assert isinstance(log, EvalLog) and log.results is not None and log.samples is not None
        condition = log.eval.task_args["condition"]
        (score,) = log.results.scores
        assert score.name == "hidden_verdict"
        assert score.metrics["accuracy"].value == expected[condition]
        assert log.eval.config.epochs == SEEDS and len(log.samples) == len(TASKS) * SEEDS
        for s in log.samples:
            (r,) = [
                r
                for r in records
                if (r["task_id"], r["condition"], r["seed"]) == (s.id, condition, s.epoch)
            ]
            assert s.scores is not None
            assert s.scores["hidden_verdict"].value == ("C" if r["success"] else "I")
            assert s.metadata["attempt_id"] == r["attempt_id"]
            assert s.metadata["channels"] == r["channels"]


def test_transcript_is_rebuilt_from_the_events(inspect_logs: Path, finished_run: Path) -> None:
    from inspect_ai.log import EvalLog

    log = next(iter(read_logs(inspect_logs).values()))
    assert isinstance(log, EvalLog) and log.samples
    sample = log.samples[0]
    path = finished_run / sample.metadata["events_file"]
    events = [json.loads(x) for x in path.read_text().splitlines()]
    tools = [e["data"] for e in events if e["kind"] == "tool_call"]
    calls = [e for e in events if e["kind"] == "model_call"]
    assert [m.role for m in sample.messages][:1] == ["system"]
    assert [m.text for m in sample.messages if m.role == "tool"] == [t["output"] for t in tools]
    assistants = [m for m in sample.messages if m.role == "assistant"]
    assert len(assistants) == len(calls) > 0
    made = [c.function for m in assistants for c in (m.tool_calls or [])]
    assert made == [t["tool"] for t in tools]


def test_run_directory_stays_the_authority(inspect_logs: Path, finished_run: Path) -> None:
    from inspect_ai.log import EvalLog

    digest = (finished_run / "manifest.sha256").read_text().strip()
    for log in read_logs(inspect_logs).values():
        assert isinstance(log, EvalLog)
        meta = log.eval.metadata or {}
        assert "stays the authority" in meta["authority"] and meta["manifest_sha256"] == digest
        claims = meta["claims"]
        assert [c["id"] for c in claims["preregistered"]] == CLAIM_IDS
        assert claims["looks_recorded"] == []
    assert not (finished_run / "claims").exists()  # exporting spent no look


def test_unfinished_run_uneven_seeds(finished_run: Path, tmp_path: Path) -> None:
    import shutil

    from inspect_ai.log import EvalLog

    from assay.interop.inspect_log import export_inspect

    # Mid-run: window-sums has only its first seed recorded, lru-cache both.
    live = tmp_path / "live"
    shutil.copytree(finished_run, live)
    lines = (finished_run / "attempts.jsonl").read_text().splitlines(keepends=True)
    kept = [x for x in lines if not ('"window-sums"' in x and '"seed":2' in x.replace(" ", ""))]
    assert len(kept) == len(lines) - 3
    (live / "attempts.jsonl").write_text("".join(kept))
    export_inspect(load_run(live), tmp_path / "logs")
    expected = success_by_condition(live)
    pooled = {a.condition: a.successes / a.attempts for a in arm_metrics(load_run(live).records)}
    # Seeds averaged within a task first (not pooled): the two differ in some condition here,
    # so the check tells them apart.
    assert any(pooled[c] != expected[c] for c in expected)
    for log in read_logs(tmp_path / "logs").values():
        assert isinstance(log, EvalLog) and log.results is not None
        assert log.status == "cancelled"
        condition = log.eval.task_args["condition"]
        assert log.results.scores[0].metrics["accuracy"].value == expected[condition]


# The CLI with inspect_ai and duckdb made unimportable, as in an install without the extras.
BLOCKED = (
    "import sys; [sys.modules.__setitem__(m, None) for m in"
    " ('inspect_ai', 'inspect_ai.log', 'duckdb')];"
    " from assay.cli.app import main; sys.argv = ['assay', *sys.argv[1:]]; main()"
)


def test_missing_extras_exit_2(finished_run: Path, tmp_path: Path) -> None:
    for args, extra in (
        (["inspect", str(finished_run), "--out", str(tmp_path / "o")], "inspect"),
        (["parquet", str(finished_run), "--out", str(tmp_path / "a.parquet")], "stats"),
    ):
        done = subprocess.run(
            [sys.executable, "-c", BLOCKED, "export", *args],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2, done.stderr
        assert f"pip install 'assay[{extra}]'" in done.stderr and "Traceback" not in done.stderr
