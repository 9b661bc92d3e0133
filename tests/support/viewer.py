"""A real ``assay view`` server over a small real run, for the viewer's tests.

The session builds one small experiment (:func:`tests.support.rundir.make_run`, 9
attempts) and serves a folder holding it and a *live* copy: the same run with its last
attempt line held back, so a test can append it and watch the live page follow.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import ASSAY, REPO

FINISHED = "finished"
LIVE = "live"


@dataclass
class Viewer:
    """A running viewer: its port, the folder it serves and the live copy's held-back line."""

    port: int
    root: Path
    held_back: str
    proc: subprocess.Popen[str]

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        """GET ``path`` exactly as given (no normalisation); status and body."""
        con = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            con.putrequest("GET", path, skip_host=host is not None)
            if host is not None:
                con.putheader("Host", host)
            con.endheaders()
            res = con.getresponse()
            return res.status, res.read()
        finally:
            con.close()

    def json(self, path: str) -> Any:
        """GET a JSON endpoint that must answer 200."""
        status, body = self.get(path)
        assert status == 200, (path, status, body[:300])
        return json.loads(body)

    def release_live(self) -> None:
        """Append the live copy's held-back attempt line (as the runner would)."""
        with (self.root / LIVE / "attempts.jsonl").open("a") as fh:
            fh.write(self.held_back)


def free_port() -> int:
    """A port nobody listens on now (the viewer binds it right after)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def prepare(run: Path, root: Path) -> str:
    """Fill ``root`` with the finished run and a live copy; return the held-back line."""
    shutil.copytree(run, root / FINISHED)
    shutil.copytree(run, root / LIVE)
    attempts = root / LIVE / "attempts.jsonl"
    lines = attempts.read_text().splitlines(keepends=True)
    attempts.write_text("".join(lines[:-1]))
    return lines[-1]


def start(root: Path, held_back: str, *extra: str) -> Viewer:
    """Start ``assay view root`` and wait until it answers (bounded by tries, not time)."""
    port = free_port()
    proc = subprocess.Popen(
        [*ASSAY, "view", str(root), "--port", str(port), *extra],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    viewer = Viewer(port, root, held_back, proc)
    for _ in range(600):
        if proc.poll() is not None:
            raise AssertionError(f"assay view exited {proc.returncode}: {proc.stderr.read()}")
        try:
            if viewer.get("/api/runs")[0] == 200:
                return viewer
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise AssertionError("assay view never answered")


def stop(viewer: Viewer) -> None:
    """Stop the server (SIGTERM, then wait; teardown waits are generous under load)."""
    viewer.proc.terminate()
    try:
        viewer.proc.wait(timeout=120)
    except subprocess.TimeoutExpired:
        viewer.proc.kill()
        viewer.proc.wait()


def tree_digest(folder: Path) -> str:
    """One hash of every file's path, bytes and mode under ``folder`` (symlinks as links)."""
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        h.update(str(p.relative_to(folder)).encode())
        if p.is_symlink():
            h.update(b"->" + str(p.readlink()).encode())
        elif p.is_file():
            h.update(p.read_bytes())
            h.update(str(p.stat().st_mode).encode())
    return h.hexdigest()
