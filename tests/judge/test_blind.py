"""What the judge sees, captured on a real loopback endpoint: the prompt and the code only.

``assay judge`` talks to an OpenAI-compatible server on 127.0.0.1 that logs every request.
The test also kills the judge (SIGKILL) while a call hangs and resumes it: nothing is lost
and nothing is judged twice; a second judge started meanwhile is refused by the run's lock.
"""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

from assay.judge import read_judgments
from assay.records.attempt import AttemptRecord
from assay.records.judgment import JUDGMENTS_FILE
from assay.tasks.load import load_task
from tests.conftest import ASSAY, REPO, run_assay
from tests.judge.conftest import reply_text
from tests.support.loopback_http import Answer, Seen, loopback

HANG_AFTER = 3


def _chat(text: str) -> dict[str, object]:
    return {
        "id": "c1",
        "object": "chat.completion",
        "created": 0,
        "model": "judge",
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
    }


def _test_names(task_root: Path) -> set[str]:
    names = set()
    for path in task_root.rglob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test"):
                names.add(node.name)
    return names


def test_the_judge_sees_no_test_and_no_verdict_and_a_kill_resumes(judged_copy):
    run = judged_copy
    release = threading.Event()

    def respond(seen: Seen, n: int) -> Answer:
        if n >= HANG_AFTER:
            release.wait(120)  # the judge is killed while waiting here
        return Answer(200, _chat(reply_text(7, 4)))

    with loopback(respond) as (url, sent):
        spec = f"openai:judge@{url}/v1"
        args = ["judge", str(run), "--judge-model", spec, "--both-orders"]
        proc = subprocess.Popen(
            [*ASSAY, *args], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            path = run / JUDGMENTS_FILE
            for _ in range(600):  # until three judgments are on disk and the fourth call hangs
                if (
                    path.exists()
                    and len(path.read_text().splitlines()) == HANG_AFTER
                    and len(sent) > HANG_AFTER
                ):
                    break
                time.sleep(0.05)
            else:
                raise AssertionError(f"the judge did not reach its fourth call: {len(sent)}")
            busy = run_assay(*args)
            assert busy.returncode == 2 and "in use by" in busy.stderr, busy.stderr
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(30)
        finally:
            if proc.poll() is None:
                proc.kill()
        release.set()
        done = run_assay(*args)
    assert done.returncode == 0, done.stderr
    assert "1 judgment(s) written (0 failed), 3 already recorded" in done.stdout
    judgments = read_judgments(run)
    # Default selection: the successful attempts (window-sums in both conditions), both orders.
    records = [
        AttemptRecord.model_validate(json.loads(line))
        for line in (run / "attempts.jsonl").read_text().splitlines()
    ]
    winners = {r.attempt_id for r in records if r.success}
    assert {j.pair_id for j in judgments} == winners
    assert len(judgments) == len({j.key for j in judgments}) == 2 * len(winners)
    assert all(j.status == "ok" and j.tokens.prompt == 100 for j in judgments)

    # Blindness: every message the judge received, against what it must never see.
    prompts = [
        "\n".join(m["content"] for m in s.body["messages"])
        for s in sent  # type: ignore[index]
    ]
    assert len(prompts) == 2 * len(winners) + 1  # the killed call was asked again
    for record in records:
        task = load_task(REPO / "src/assay/suites/repair" / record.task_id)
        forbidden = {
            *_test_names(task.root),
            *task.public_tests,
            *(p.name for p in task.hidden_dir.iterdir()),
            record.attempt_id,
            record.model,
            "scripted-demo",
            "verdict",
            "hidden",
            "import pytest",
        }
        for prompt in prompts:
            leaked = [f for f in forbidden if f in prompt]
            assert not leaked, leaked
    # ... while it does see the task's prompt and the reference's code (the check can fail).
    task = load_task(REPO / "src/assay/suites/repair/window-sums")
    reference = (task.solution / "windows.py").read_text().strip()
    assert all(task.prompt_text.strip() in p and reference in p for p in prompts)


def test_a_judge_that_never_answers_records_nothing_and_exits_1(judged_copy):
    with loopback(lambda seen, n: Answer(401, {"error": {"message": "bad key"}})) as (url, sent):
        done = run_assay("judge", str(judged_copy), "--judge-model", f"openai:judge@{url}/v1")
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("no reply: ") == len(sent) == 2  # a 401 is not retried
    assert "0 judgment(s) written" in done.stdout
    assert read_judgments(judged_copy) == []
