"""A real local model end to end: SmolLM2-135M served by llama-cpp-python on loopback.

The results are what they are (mostly failures); the tests assert that real tokens, real
verdicts and correct outcome classes were recorded. `make test` installs the model and the
server (see the Makefile's `llm` target).

The work is bounded by counts, never by a clock (issue 19, item 16: on a loaded 2-core
machine these tests hit pytest's 300 s limit while they passed on a quiet one): a fixed
number of problems, of calls per attempt and of tokens per call. The clocks left are hang
guards far beyond any honest duration — a call's timeout (``CALL_TIMEOUT_S``) and the
server's start (``SERVER_START_S`` in tests/support/smollm.py) — so a slow machine only
makes these tests slower.
"""

from __future__ import annotations

import json

import pytest

from assay.agents.oneshot import OneShotAgent
from assay.models.spec import load_model
from assay.records.attempt import EventRecord
from assay.records.manifest import AgentSpec, ConditionSpec, Manifest, TimeoutSpec
from assay.runner.execute import run_experiment
from assay.runner.workspace import fresh_workspace
from assay.store.rundir import RunDir
from assay.tasks.load import load_task
from assay.verify.gate import verify
from tests.conftest import run_assay
from tests.support.smollm import smollm

__all__ = ["smollm"]

HUMANEVAL_PROBLEMS = 10
"""One sample each, at most ``ONE_SHOT_TOKENS`` completion tokens."""
ONE_SHOT_TOKENS = 256
LOOP_CALLS = 2 * 4
"""The loop agent's calls per attempt at most: ``max_passes`` x ``max_steps`` below."""
LOOP_TOKENS = 200
CALL_TIMEOUT_S = 1800.0
"""A hang guard per model call: a 135M model's few hundred tokens take seconds to a minute."""

# pytest's per-test limit (300 s) would make the outcome depend on the machine's load:
# the counts above bound the work, and the hang guards bound a broken server.
pytestmark = pytest.mark.timeout(0)


@pytest.fixture(scope="module")
def humaneval_tasks(tmp_path_factory):
    out = tmp_path_factory.mktemp("he")
    done = run_assay("import", "humaneval", "--out", str(out))
    assert done.returncode == 0, done.stderr
    return [load_task(out / f"humaneval-{i}") for i in range(HUMANEVAL_PROBLEMS)]


def test_one_shot_on_humaneval(smollm, humaneval_tasks, tmp_path):
    model = load_model(smollm, timeout_s=CALL_TIMEOUT_S)
    agent = OneShotAgent(model, temperature=0.2, max_tokens=ONE_SHOT_TOKENS)
    results = []
    for task in humaneval_tasks:
        # The signature and docstring, without the stub's body: the HumanEval prompt.
        prompt = (
            (task.workspace / "solution.py").read_text().split("    raise NotImplementedError")[0]
        )
        entry = task.spec.title.split(": ", 1)[1]
        (sample,) = agent.sample(task.id, prompt, n=1, seed=1, entry_point=entry)
        assert sample.fault is None, sample.fault
        assert sample.usage.prompt > 0 and sample.usage.completion > 0  # real tokens
        assert sample.latency_s > 0
        ws = fresh_workspace(task, tmp_path / task.id)
        (ws / "solution.py").write_text(sample.code)
        verdict = verify(task, ws, repeats=1)
        # Function-level tasks (the gate-function merge) report every check as hidden.
        assert verdict.hidden.total >= 1
        assert verdict.passed == (not verdict.reasons)
        results.append(verdict.passed)
    assert len(results) == HUMANEVAL_PROBLEMS
    print(f"\nSmolLM2 one-shot HumanEval {sum(results)}/{len(results)} passed")


@pytest.mark.parametrize("task_id", ["window-sums", "add-months"])
def test_loop_agent_text_protocol(smollm, task_id, tmp_path):
    config = {
        "protocol": "text",
        "max_passes": 2,
        "max_steps": 4,
        "max_tokens": LOOP_TOKENS,
        "ctx_limit": 3500,
        "max_stale": 2,
        "temperature": 0.2,
        "seed": 1,
    }
    manifest = Manifest(
        name="smollm2-loop",
        suites=["repair"],
        tasks=[task_id],
        agents=[AgentSpec(id="loop", model=smollm, config=config)],
        conditions=[ConditionSpec(id="solo")],
        timeouts=TimeoutSpec(call_s=CALL_TIMEOUT_S, attempt_s=LOOP_CALLS * CALL_TIMEOUT_S),
    )
    run = run_experiment(manifest, tmp_path / "run", show_progress=False)
    (r,) = RunDir.open(run.root).latest().values()
    lines = (run.root / r.events).read_text().splitlines()
    events = [EventRecord.model_validate_json(line) for line in lines]
    assert 0 < r.model_calls <= LOOP_CALLS and r.tokens.prompt > 0
    assert 0 < r.tokens.completion <= LOOP_CALLS * LOOP_TOKENS
    calls = [e.data for e in events if e.kind == "model_call"]
    assert len(calls) == r.model_calls and all(c["prompt_tokens"] > 0 for c in calls)
    assert r.outcome in {"completed", "stagnated", "budget", "fault"}
    (reasons,) = r.pass_reasons  # one round: the solo condition never retries
    if r.outcome == "completed":
        # The agent's own gate (done or the end-of-pass probe) last said the public tests pass.
        public = [
            e.data["ok"] if e.kind == "tool_call" else e.data["passed"]
            for e in events
            if (e.kind == "tool_call" and e.data["tool"] == "done") or e.kind == "probe"
        ]
        assert public and public[-1]
    else:
        assert reasons and "completed" not in reasons
    assert r.verdict is not None and r.verdict.hidden.total > 0  # the final verdict ran all
    summary = {
        "task": task_id,
        "outcome": r.outcome,
        "passes": reasons,
        "calls": r.model_calls,
        "format_errors": r.format_errors,
        "tokens": r.tokens.prompt + r.tokens.completion,
        "passed": r.verdict.passed,
    }
    print("\nSmolLM2 loop agent:", json.dumps(summary))
