"""Harness overhead per agent step, measured side by side with a bare reference loop.

Both loops make the same scripted model calls and the same file reads; the harness adds
message building, action parsing, path confinement, tool accounting and (optionally) one
event line per model call and per tool call. With the log on it is timed twice: syncing every
event (the behaviour before group commits) and syncing in groups (``SYNC_EVERY`` events, as the
runner does now). Run: .venv/bin/python bench/agent_step.py
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from assay.agents.config import LoopConfig
from assay.agents.loop import LoopAgent
from assay.agents.tools import Toolbox
from assay.agents.workspace import Workspace
from assay.models.scripted import ScriptedModel
from assay.models.types import META_CONVERSATION, META_TASK, Message, Request
from assay.sandbox.isolation import plan_for
from assay.store import rundir
from assay.store.rundir import EventLog
from assay.tasks.load import load_task
from assay.tasks.suite import BUNDLED_ROOT

STEPS = 200
ROUNDS = 5


def _script(tmp: Path) -> Path:
    turns = [{"tool_calls": [{"name": "read_file", "arguments": {"path": "windows.py"}}]}]
    path = tmp / "script.json"
    path.write_text(
        json.dumps(
            {
                "schema": "assay.script.v1",
                "tasks": {"window-sums": turns},
                "on_exhausted": "repeat_last",
            }
        )
    )
    return path


def reference(script: Path, ws: Path) -> float:
    """The floor: the same model calls and file reads with no harness around them."""
    model = ScriptedModel.from_file(script)
    messages = [Message("system", "s"), Message("user", "p")]
    start = time.perf_counter()
    for step in range(STEPS):
        model.generate(
            Request(tuple(messages), metadata={META_TASK: "window-sums", META_CONVERSATION: "ref"})
        )
        messages.append(Message("user", (ws / "windows.py").read_text()))
        del step
    return (time.perf_counter() - start) / STEPS


def harness(script: Path, ws: Path, events: Path | None, sync_every: int = 0) -> float:
    """The loop agent doing the same: STEPS read_file steps in one pass."""
    task = load_task(BUNDLED_ROOT / "repair" / "window-sums")
    box = Toolbox(
        task,
        Workspace(ws, task.is_protected),
        plan=plan_for(),
        verify_public=lambda: (_ for _ in ()).throw(RuntimeError("no verify")),
        elide_passing=True,
    )
    agent = LoopAgent(
        ScriptedModel.from_file(script), LoopConfig(max_passes=1, max_steps=STEPS, ctx_limit=10**9)
    )
    if sync_every:
        rundir.SYNC_EVERY = sync_every
    log = EventLog(events, "bench", events.parent) if events else None
    emit = log.emit if log else (lambda kind, data: None)
    start = time.perf_counter()
    agent.run(box, prompt="p", conversation="window-sums/bench", emit=emit)
    elapsed = time.perf_counter() - start
    if log:
        log.close()
    return elapsed / STEPS


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="assay-bench-"))
    try:
        script = _script(tmp)
        ws = tmp / "ws"
        shutil.copytree(BUNDLED_ROOT / "repair" / "window-sums" / "workspace", ws)
        group = rundir.SYNC_EVERY
        ref, bare, each, grouped = [], [], [], []
        for _ in range(ROUNDS):  # interleaved, so machine noise hits all four alike
            ref.append(reference(script, ws))
            bare.append(harness(script, ws, None))
            each.append(harness(script, ws, tmp / "events.jsonl", sync_every=1))
            grouped.append(harness(script, ws, tmp / "events.jsonl", sync_every=group))
        r, h, e, g = (statistics.median(x) * 1000 for x in (ref, bare, each, grouped))
        print(f"steps per run: {STEPS}, runs: {ROUNDS} (medians)")
        print(f"{'reference loop':<32}{r:8.3f} ms/step")
        print(
            f"{'harness, no event log':<32}{h:8.3f} ms/step   ratio {h / r:6.1f}x   "
            f"overhead {h - r:6.3f} ms"
        )
        print(
            f"{'harness, event log, sync each':<32}{e:8.3f} ms/step   ratio {e / r:6.1f}x   "
            f"overhead {e - r:6.3f} ms"
        )
        print(
            f"{f'harness, event log, sync /{group}':<32}{g:8.3f} ms/step   ratio {g / r:6.1f}x   "
            f"overhead {g - r:6.3f} ms   (log costs {g - h:6.3f} ms over no log)"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
