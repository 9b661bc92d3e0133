"""A browser opens one exported sample in ``inspect view`` and sees its transcript."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.interop.inspect_env import BIN
from tests.support.browser import ARGS, CHROMIUM


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[str], tries: int = 600) -> None:
    """Poll the port (at most ``tries`` × 0.2 s) until the server accepts a connection."""
    for _ in range(tries):
        if proc.poll() is not None:
            raise AssertionError(f"inspect view exited: {proc.communicate()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=0.2)  # a pause that also notices the server exiting
    raise AssertionError(f"inspect view did not listen on {port}")


@pytest.fixture
def viewer(inspect_logs: Path) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is absent (make sysdeps installs it as root on Debian)")
    port = free_port()
    cmd = [
        str(BIN / "inspect"),
        "view",
        "--log-dir",
        str(inspect_logs),
        "--port",
        str(port),
        "--host",
        "127.0.0.1",
    ]
    proc = subprocess.Popen(
        cmd,
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for_port(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()


def test_inspect_view_shows_an_exported_transcript(viewer: str, finished_run: Path) -> None:
    from playwright.sync_api import sync_playwright

    attempt = "window-sums__loop__solo__s1"
    events = (finished_run / "events" / f"{attempt}.jsonl").read_text().splitlines()
    parsed = [json.loads(e) for e in events]
    outputs = [e["data"]["output"] for e in parsed if e["kind"] == "tool_call"]
    line = next(x for o in outputs for x in o.splitlines() if len(x) > 12)  # a tool's output
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1300, "height": 900})
            page.goto(viewer, timeout=120_000)
            # Like a person: the list of logs, then the solo arm, then one sample.
            page.get_by_text("mini-report/loop/solo").first.click(timeout=120_000)
            page.get_by_text("window-sums", exact=True).first.click(timeout=120_000)
            page.get_by_text(f"assay attempt {attempt}").first.wait_for(timeout=120_000)
            page.get_by_text(line).first.wait_for(timeout=120_000)
            assert "Sample window-sums (Epoch 1)" in page.inner_text("body")
        finally:
            browser.close()
