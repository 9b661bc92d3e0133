"""Nothing a verification starts outlives the command: sandbox folders and runtimes are removed.

Each process starts spare sandboxes ahead of need and one read-only runtime folder; before
they were removed at exit, every ``assay verify`` left two to five folders in the temporary
folder, hundreds over a test session.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import ASSAY, REPO

TASK = REPO / "src/assay/suites/repair/window-sums"


@pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
def test_verify_leaves_no_sandbox_folders(tmp_path: Path) -> None:
    # The sandbox's uid must traverse the folder, so it cannot live under pytest's 0700 tmp.
    scratch = Path(tempfile.mkdtemp(prefix="assay-cleanup-test-", dir="/tmp"))
    os.chmod(scratch, 0o711)
    try:
        ws = tmp_path / "ws"
        shutil.copytree(TASK / "workspace", ws)
        shutil.copytree(TASK / "solution", ws, dirs_exist_ok=True)
        env = {**os.environ, "ASSAY_TMPDIR": str(scratch)}
        done = subprocess.run(
            [*ASSAY, "verify", str(TASK), str(ws), "--json", "--repeats", "1"],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            cwd=REPO,
        )
        assert done.returncode == 0, done.stderr
        left = sorted(p.name for p in scratch.iterdir())
        assert left == [], left
    finally:
        for path in scratch.rglob("*"):
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(scratch, ignore_errors=True)
