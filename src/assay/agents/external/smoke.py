"""The built-in smoke test of an adapter: driven offline, the CLI must create a file and finish."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from assay.agents.external.base import Adapter, CliConfig
from assay.agents.external.session import CliArm, Session
from assay.models.script_format import Script
from assay.models.scripted import ScriptedModel

SMOKE_FILE = "assay-smoke.txt"
SMOKE_TEXT = "written by an agent CLI for assay's smoke test\n"
PROMPT = f"Create the file {SMOKE_FILE} with one line of text, then stop."


def smoke_script() -> Script:
    """Write the smoke file, then finish."""
    write = {"write": {"path": SMOKE_FILE, "content": SMOKE_TEXT}}
    turns = [{"action": write}, {"action": {"finish": f"Created {SMOKE_FILE}."}}]
    return Script.model_validate(
        {"schema": "assay.script.v1", "model": "assay-smoke", "tasks": {"*": turns}}
    )


@dataclass(frozen=True)
class SmokeResult:
    """Whether the smoke test passed, why not, and what the run did."""

    ok: bool
    problems: list[str]
    seconds: float
    session: Session


def smoke(adapter: Adapter, *, timeout_s: float = 180.0, keep: Path | None = None) -> SmokeResult:
    """Drive the adapter's CLI through the smoke script in a scratch workspace."""
    root = Path(tempfile.mkdtemp(prefix="assay-smoke-"))
    try:
        workspace = root / "workspace"
        workspace.mkdir()
        (workspace / "README.md").write_text("A scratch workspace for a smoke test.\n")
        arm = CliArm(
            adapter,
            model=ScriptedModel(smoke_script()),
            model_spec="scripted:smoke",
            config=CliConfig(timeout_s=timeout_s),
            artifacts=(keep or root) / "artifacts",
        )
        start = time.monotonic()
        session = arm.session(
            workspace, prompt=PROMPT, conversation=f"smoke/{adapter.name}", hidden=[]
        )
        seconds = round(time.monotonic() - start, 2)
        problems = []
        written = workspace / SMOKE_FILE
        if not written.is_file():
            problems.append(f"{SMOKE_FILE} was not created")
        elif written.read_text(encoding="utf-8") != SMOKE_TEXT:
            problems.append(f"{SMOKE_FILE} has the wrong content")
        ran = session.ran
        if ran.timed_out:
            problems.append(f"no exit within {timeout_s:g} s")
        elif ran.returncode != 0:
            problems.append(f"exit status {ran.signal_name or ran.returncode}")
        if not session.records:
            problems.append("no model call reached the endpoint")
        problems += [f"endpoint refused a request: {p['reason']}" for p in session.problems]
        return SmokeResult(not problems, problems, seconds, session)
    finally:
        shutil.rmtree(root, ignore_errors=True)
