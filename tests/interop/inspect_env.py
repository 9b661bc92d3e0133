"""The Inspect venv (``make inspect``): the real ``assay export inspect`` and Inspect's tools.

Inspect AI is kept out of the main venv (its ``semver`` would shadow a bundled task's module),
so the tests run the export, ``inspect log list``, ``inspect view`` and the reading back of
the logs with that venv's interpreter, and compare with the main venv's results layer.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO

BIN = REPO / ".venv-inspect" / "bin"

READER = """
import json, pathlib, sys
from inspect_ai.log import read_eval_log

def message(m):
    calls = [c.function for c in (getattr(m, "tool_calls", None) or [])]
    return {"role": m.role, "text": m.text, "calls": calls}

out = []
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.eval")):
    log = read_eval_log(str(f))
    scores = log.results.scores if log.results else []
    out.append({
        "file": str(f),
        "status": log.status,
        "task_args": log.eval.task_args,
        "epochs": log.eval.config.epochs,
        "metadata": log.eval.metadata,
        "scores": [{"name": s.name, "metrics": {k: m.value for k, m in s.metrics.items()}}
                   for s in scores],
        "samples": [{"id": s.id, "epoch": s.epoch, "score": s.scores["hidden_verdict"].value,
                     "metadata": s.metadata, "messages": [message(m) for m in s.messages]}
                    for s in (log.samples or [])],
    })
print(json.dumps(out))
"""


def require_inspect_venv() -> None:
    """Skip, saying how to make it, when the Inspect venv is missing (`make test` makes it)."""
    if not (BIN / "python").exists() or not (BIN / "inspect").exists():
        pytest.skip("the Inspect venv .venv-inspect is missing: run `make inspect`")


def run_in_inspect(*args: str) -> subprocess.CompletedProcess[str]:
    """Run a command of the Inspect venv (``python``, ``inspect``) from the repository."""
    cmd = [str(BIN / args[0]), *args[1:]]
    return subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)


def export_inspect(run: Path, out: Path) -> subprocess.CompletedProcess[str]:
    """``assay export inspect RUN --out OUT`` with the Inspect venv's assay."""
    return run_in_inspect(
        "python", "-m", "assay.cli", "export", "inspect", str(run), "--out", str(out)
    )


def read_logs(folder: Path) -> list[dict[str, Any]]:
    """Every log in ``folder`` as Inspect's ``read_eval_log`` reads it, as plain data."""
    done = run_in_inspect("python", "-c", READER, str(folder))
    assert done.returncode == 0, done.stderr
    logs: list[dict[str, Any]] = json.loads(done.stdout)
    return logs
