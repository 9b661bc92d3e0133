"""A CLI that hangs, floods its output, crashes, meets a failing endpoint or is stopped is
killed, classified and recorded — never left running, never hanging the run. And what the
confinement enforces: no host but the model endpoint, no view of the task's hidden tests."""

from __future__ import annotations

import json
import shlex
import socket
import threading
import time
from pathlib import Path

import pytest

from assay.agents.external.agent import classify
from assay.agents.external.process import KEEP_BYTES, Ran
from assay.sandbox.isolation import agent_cli_bwrap
from assay.tasks.suite import BUNDLED_ROOT
from tests.support.cli_agents import attempt, bundled, ensure_installed, make_arm


@pytest.fixture(autouse=True)
def _installed() -> None:
    for name in ("pi", "claude", "codex", "aider"):
        ensure_installed(name)


HANG_S = 300
"""How long the scripted endpoint hangs. The tests check the hang was cut (by the timeout or
a stop), with half of it as the margin: a CLI that starts slowly on a loaded machine still
passes, one that waited the hang out cannot."""


def fixed_turns() -> list[dict[str, object]]:
    fix = (bundled("window-sums").solution / "windows.py").read_text()
    return [
        {"action": {"write": {"path": "windows.py", "content": fix}}},
        {"action": {"finish": "Fixed."}},
    ]


@pytest.mark.parametrize("name", ["pi", "claude"])
def test_a_hang_is_killed_at_the_timeout_and_classified(name: str, tmp_path: Path) -> None:
    never = [{"faults": [{"kind": "timeout", "delay_s": HANG_S}], "text": "never"}]
    start = time.monotonic()
    got = attempt(name, bundled("window-sums"), never, tmp_path, timeout_s=4)
    assert time.monotonic() - start < HANG_S / 2  # the hang was cut, not waited out
    assert got.result.outcome == "budget" and got.result.pass_reasons == ["max_steps"]
    event = got.exit()
    assert event["classification"] == "hang" and event["timed_out"] and event["signal"] == "SIGKILL"


def test_an_output_flood_is_cut_clipped_and_classified(tmp_path: Path) -> None:
    flood = [{"text": "flood", "pad_to_bytes": 8_000_000}]
    got = attempt("pi", bundled("window-sums"), flood, tmp_path, max_output_mb=1)
    event = got.exit()
    assert got.result.outcome == "budget" and event["classification"] == "flood"
    assert event["flooded"] and event["output_bytes"] > 1 << 20
    (run,) = got.of("cli_run")
    stdout = got.artifacts.parent / run["artifacts"] / "stdout.txt"
    # Kept artifacts are clipped to KEEP_BYTES; how much the CLI wrote before the kill
    # depends on machine load, so the marker is required only when clipping was due.
    assert stdout.stat().st_size < 3 << 20
    if event["output_bytes"] > KEEP_BYTES + (64 << 10):
        kept = stdout.read_bytes()
        assert b"bytes clipped]" in kept or len(kept) <= KEEP_BYTES


def test_a_crash_at_start_is_a_fault(tmp_path: Path) -> None:
    got = attempt(
        "codex", bundled("window-sums"), fixed_turns(), tmp_path, extra_args=["--no-such-flag"]
    )
    assert got.result.outcome == "fault" and got.exit()["classification"] == "crash"
    assert got.result.model_calls == 0 and "crash: exit 2" in (got.result.fault or "")


def test_a_failing_endpoint_is_a_fault_not_a_model_failure(tmp_path: Path) -> None:
    got = attempt("pi", bundled("window-sums"), [{"faults": ["http_400"], "text": "x"}], tmp_path)
    assert got.result.outcome == "fault" and got.exit()["classification"] == "endpoint_fault"
    assert "HTTP 400" in (got.result.fault or "")
    assert [c["status"] for c in got.of("model_call")] == [400]


def test_an_action_the_client_cannot_take_is_refused_saved_and_a_fault(tmp_path: Path) -> None:
    got = attempt("aider", bundled("window-sums"), [{"action": {"run": "pytest -q"}}], tmp_path)
    assert got.result.outcome == "fault" and got.exit()["classification"] == "endpoint_fault"
    (refused,) = got.of("endpoint_refused")
    assert "cannot run commands" in refused["reason"]
    saved = json.loads((got.artifacts.parent / refused["saved"]).read_text())
    assert saved["body"]["messages"] and "authorization" not in json.dumps(saved["headers"]).lower()


def test_stop_interrupts_a_running_cli(tmp_path: Path) -> None:
    stop = threading.Event()
    threading.Timer(2.0, stop.set).start()
    never = [{"faults": [{"kind": "timeout", "delay_s": HANG_S}], "text": "never"}]
    start = time.monotonic()
    got = attempt("pi", bundled("window-sums"), never, tmp_path, stop=stop)
    assert time.monotonic() - start < HANG_S / 2  # the stop cut the hang short
    assert got.result.outcome == "interrupted" and got.of("probe") == []


def test_a_retry_continues_the_script_where_the_last_round_left_it(tmp_path: Path) -> None:
    task = bundled("window-sums")
    turns = [
        {
            "action": {
                "write": {
                    "path": "windows.py",
                    "content": "def window_sums(v, s):\n    return []\n",
                }
            }
        },
        {"action": {"finish": "Done."}},
        *fixed_turns(),
    ]
    arm = make_arm("pi", task, turns, tmp_path)
    got = attempt(
        "pi",
        task,
        turns,
        tmp_path,
        arm=arm,
        prompts=(task.prompt_text, task.prompt_text + "\nfix it"),
    )
    outcomes = [e["outcome"] for e in got.of("cli_exit")]
    assert outcomes == ["budget", "completed"] and got.truth.passed
    assert [c["turn"] for c in got.of("model_call")] == [0, 1, 2, 3]


@pytest.mark.skipif(agent_cli_bwrap() is None, reason="no network namespace on this machine")
def test_the_cli_reaches_only_its_endpoint_and_never_the_hidden_tests(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        task = bundled("window-sums")
        probe = (
            "import socket\n"
            f"for host, port in [('127.0.0.1', {port}), ('assay-probe.invalid', 443)]:\n"
            "    try:\n"
            "        socket.create_connection((host, port), timeout=3).close()\n"
            "        print(host, 'reached')\n"
            "    except OSError as exc:\n"
            "        print(host, 'blocked', type(exc).__name__)\n"
        )
        command = (
            f"python3 -c {shlex.quote(probe)} > net.txt 2>&1; "
            f"ls -A {task.root / 'tests'} {BUNDLED_ROOT} > seen.txt 2>&1; true"
        )
        got = attempt(
            "pi", task, [{"action": {"run": command}}, {"action": {"finish": "ok"}}], tmp_path
        )
    net = (got.workspace / "net.txt").read_text()
    assert "127.0.0.1 blocked" in net and "assay-probe.invalid blocked" in net, net
    assert "test_" not in (got.workspace / "seen.txt").read_text()
    assert got.result.model_calls == 2  # the endpoint itself was reachable


def test_classification_order() -> None:
    def ran(**kw: object) -> Ran:
        base = {
            "returncode": 0,
            "timed_out": False,
            "flooded": False,
            "stopped": False,
            "duration_s": 1.0,
            "output_bytes": 0,
        }
        return Ran(**{**base, **kw})  # type: ignore[arg-type]

    def c(r: Ran, passed: bool = False, failed: bool = False, changed: bool = True) -> str:
        return classify(r, passed=passed, endpoint_failed=failed, changed=changed).classification

    assert c(ran(stopped=True), passed=True) == "stopped"
    assert c(ran(timed_out=True), passed=True) == "completed"  # the gate decides first
    assert c(ran(timed_out=True)) == "hang" and c(ran(flooded=True)) == "flood"
    assert (
        c(ran(returncode=1), failed=True) == "endpoint_fault" and c(ran(returncode=-11)) == "crash"
    )
    assert c(ran(), changed=False) == "no_change" and c(ran()) == "gave_up"
