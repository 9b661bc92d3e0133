"""``--origin runs`` and ``--origin sample``: the one-shot agent kind's attempts become a pool."""

from __future__ import annotations

import json
import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assay.agents.oneshot import code_prefix, extract_code
from assay.errors import InputError
from assay.records.final import FinalCode
from assay.rerank.pool_io import read_pool
from assay.rerank.pool_runs import build_runs
from assay.store.rundir import RunDir
from tests.conftest import run_assay
from tests.support.function import fn_pool, humaneval_dir

__all__ = ["fn_pool", "humaneval_dir"]

SCRIPT = """
schema = "assay.script.v1"
model = "scripted-oneshot"
on_exhausted = "repeat_last"

[[tasks."humaneval-53"]]
text = "Here it is:\\n```python\\ndef add(x: int, y: int):\\n    return x + y\\n```\\n"

[[tasks."humaneval-0"]]
text = "    return False\\n"
"""


@pytest.fixture(scope="module")
def sampled(tmp_path_factory, humaneval_dir):
    root = tmp_path_factory.mktemp("runs")
    suite = root / "he"
    suite.mkdir()
    for name in ("humaneval-0", "humaneval-53"):
        shutil.copytree(humaneval_dir / name, suite / name)
    script = root / "script.toml"
    script.write_text(SCRIPT)
    run = root / "run"
    done = run_assay(
        "run", "--suite", str(suite), "--agent", "oneshot", "--model", f"scripted:{script}",
        "--seeds", "2", "--temperature", "0.4", "--max-tokens", "64", "--out", str(run),
        "--quiet", "--no-preflight",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    pool = root / "pool"
    done = run_assay("pool", "build", str(run), "--origin", "runs", "--out", str(pool))
    assert done.returncode == 0, done.stderr
    return {"root": root, "suite": suite, "script": script, "run": run, "pool": pool}


def test_oneshot_attempts_write_the_module_and_are_gated_and_recorded(sampled) -> None:
    records = RunDir.open(sampled["run"]).latest()
    assert len(records) == 4
    for r in records.values():
        assert r.agent_id == "oneshot" and r.model_calls == 1 and r.outcome == "completed"
        assert r.verdict is not None and r.success == (r.task_id == "humaneval-53")
        final = FinalCode.model_validate_json(
            (sampled["run"] / "finals" / f"{r.attempt_id}.json").read_text()
        )
        assert final.module == "solution.py" and final.verdict.passed == r.success
        assert final.code is not None and "def " in final.code
        events = [json.loads(line) for line in (sampled["run"] / r.events).read_text().splitlines()]
        (sample,) = [e["data"] for e in events if e["kind"] == "oneshot_sample"]
        assert sample["temperature"] == 0.4 and sample["max_tokens"] == 64
        assert sample["seed"] == r.seed  # base seed 0 + the attempt's seed
    # Completion style: the body was joined to the stub's signature and docstring.
    body = next(r for r in records.values() if r.task_id == "humaneval-0")
    final = FinalCode.model_validate_json(
        (sampled["run"] / "finals" / f"{body.attempt_id}.json").read_text()
    )
    assert final.code is not None and "def has_close_elements" in final.code
    assert "return False" in final.code


def test_a_runs_pool_holds_every_attempts_final_code_and_verdict(sampled) -> None:
    pool = read_pool(sampled["pool"])
    assert pool.info.origin == "runs" and pool.info.candidates == 4 and not pool.dropped
    records = RunDir.open(sampled["run"]).latest()
    for (bench, problem), group in pool.problems.items():
        assert bench == "he" and len(group) == 2
        assert sorted(c.original_rank for c in group) == [0, 1]
        ranked = sorted(group, key=lambda c: c.original_rank)
        assert [c.detail["attempt_seed"] for c in ranked] == [1, 2]
        for c in group:
            r = records[c.candidate]
            assert c.passed == r.success and c.problem == problem == r.task_id
            assert c.detail["temperature"] == 0.4 and c.detail["model"] == r.model
            total = r.verdict.hidden.total + r.verdict.public.total
            assert c.tests and len(c.tests) == total
    done = run_assay("manifest", "verify", str(sampled["pool"]))
    assert done.returncode == 0, done.stdout


def test_sample_origin_is_a_resumable_run_then_a_pool(sampled) -> None:
    root = sampled["root"]
    args = [
        "pool", "build", str(sampled["suite"]), "--origin", "sample", "--model",
        f"scripted:{sampled['script']}", "--n", "2", "--temperature", "0.7", "--seed", "10",
        "--max-tokens", "32", "--run-dir", str(root / "srun"),
    ]  # fmt: skip
    done = run_assay(*args, "--out", str(root / "s1"))
    assert done.returncode == 0, done.stderr
    pool = read_pool(root / "s1")
    assert pool.info.origin == "sample" and len(pool.candidates) == 4
    assert {c.origin for c in pool.candidates} == {"sample"}
    assert sorted(c.detail["seed"] for c in pool.candidates) == [11, 11, 12, 12]
    assert {c.detail["temperature"] for c in pool.candidates} == {0.7}
    before = (root / "srun" / "attempts.jsonl").read_text()
    done = run_assay(*args, "--out", str(root / "s2"))  # resumes: nothing sampled again
    assert done.returncode == 0, done.stderr
    assert (root / "srun" / "attempts.jsonl").read_text() == before
    assert (root / "s1" / "candidates.jsonl").read_bytes() == (
        root / "s2" / "candidates.jsonl"
    ).read_bytes()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--origin", "nope"], "--origin"),
        (["--origin", "sample"], "--model"),
        (["--origin", "sample", "--model", "x:y", "--n", "0"], "--n"),
    ],
)
def test_bad_options_exit_2_naming_them(sampled, tmp_path, args, needle) -> None:
    done = run_assay("pool", "build", str(sampled["suite"]), *args, "--out", str(tmp_path / "p"))
    assert done.returncode == 2 and needle in done.stderr and "Traceback" not in done.stderr


def test_hostile_inputs_exit_2_with_file_and_reason(sampled, tmp_path) -> None:
    full = run_assay("pool", "build", str(sampled["suite"]), "--origin", "mutation",
                     "--out", str(sampled["pool"]))  # fmt: skip
    assert full.returncode == 2 and "not empty" in full.stderr
    not_run = run_assay("pool", "build", str(sampled["suite"]), "--origin", "runs",
                        "--out", str(tmp_path / "x"))  # fmt: skip
    assert not_run.returncode == 2 and "not a run directory" in not_run.stderr
    # A damaged finals/ record names its file.
    run = tmp_path / "run"
    shutil.copytree(sampled["run"], run)
    victim = next((run / "finals").iterdir())
    victim.write_text('{"schema": "assay.final.v1", "attempt_id": 3}')
    bad = run_assay("pool", "build", str(run), "--origin", "runs", "--out", str(tmp_path / "y"))
    assert bad.returncode == 2 and victim.name in bad.stderr and "Traceback" not in bad.stderr
    # Corrupt pool files: `assay pool check` names the file and line.
    pool = tmp_path / "pool"
    shutil.copytree(sampled["pool"], pool)
    lines = (pool / "candidates.jsonl").read_text().splitlines()
    cases = {
        "not JSON": "{" + lines[0],
        "code_sha256": lines[0].replace('"passed": ', '"code": "evil", "passed": ', 1),
        "appears twice": lines[0] + "\n" + lines[0],
    }
    for needle, text in cases.items():
        (pool / "candidates.jsonl").write_text(text + "\n")
        with pytest.raises(InputError) as caught:
            read_pool(pool)
        assert "candidates.jsonl" in str(caught.value) and needle in str(caught.value)
    done = run_assay("pool", "check", str(pool))  # the last case through the command line
    assert done.returncode == 2 and "appears twice" in done.stderr
    assert "candidates.jsonl" in done.stderr and "Traceback" not in done.stderr
    (pool / "pool.json").write_text("[]")
    done = run_assay("pool", "check", str(pool))
    assert done.returncode == 2 and "pool.json" in done.stderr
    ok = run_assay("pool", "check", str(sampled["pool"]))
    assert ok.returncode == 0 and "4 candidates" in ok.stdout


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=300), event=st.text(max_size=200))
def test_any_finals_or_events_text_is_read_or_refused_as_bad_input(sampled, text, event) -> None:
    run = sampled["root"] / "fuzz"
    if not run.exists():
        shutil.copytree(sampled["run"], run)
    (first, *_) = sorted((run / "finals").iterdir())
    original = first.read_text()
    events = sorted((run / "events").iterdir())[0]
    kept = events.read_text()
    try:
        first.write_text(text)
        events.write_text(kept + event + "\n")
        try:
            built = build_runs(run, seed=0)
        except InputError as exc:
            assert first.name in str(exc)
        else:
            assert sum(len(g) for g in built.problems.values()) <= 4
    finally:
        first.write_text(original)
        events.write_text(kept)


@given(text=st.text(max_size=400), stub=st.text(max_size=200))
def test_code_extraction_takes_any_reply(text, stub) -> None:
    prefix = code_prefix(stub)
    assert "raise NotImplementedError" not in prefix.rstrip().splitlines()[-1:]
    assert isinstance(extract_code(text, prefix, "f"), str)
