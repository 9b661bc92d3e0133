"""Event logs synced in groups: a killed writer loses no event it acknowledged, none doubled.

``EventLog.emit`` writes each line before returning and syncs every ``SYNC_EVERY`` events
(and on ``close``, before the runner appends the attempt's record). The kill test runs a
real writer process, reads the sequence numbers it acknowledges on stdout, kills it with
SIGKILL in the middle of its stream, and reads the file back. Bounded by counts, not time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from assay.records.attempt import EventRecord
from assay.store import rundir
from assay.store.rundir import EventLog
from tests.conftest import REPO

WRITER = """
import sys
from pathlib import Path
from assay.store.rundir import EventLog
log = EventLog(Path(sys.argv[1]), "a__loop__solo__s1", Path(sys.argv[1]).parent)
for i in range(1, 1_000_000):
    log.emit("tool_call", {"i": i, "text": "x" * (i % 300)})
    print(i, flush=True)  # acknowledged: emit returned
"""


def test_killed_writer_loses_no_acknowledged_event(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert proc.stdout is not None
    acked = 0
    for line in proc.stdout:  # kill between two syncs: 150 is not a multiple of 64
        acked = int(line)
        if acked >= 150:
            break
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=120)
    data = path.read_bytes()
    complete = data[: data.rfind(b"\n") + 1].decode().splitlines()
    events = [EventRecord.model_validate(json.loads(e)) for e in complete]
    seqs = [e.seq for e in events]
    assert seqs == list(range(1, len(seqs) + 1))  # nothing doubled, nothing skipped
    assert len(seqs) >= acked  # every acknowledged event is there
    assert [e.data["i"] for e in events] == seqs


def test_syncs_in_groups_and_on_close(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    monkeypatch.setattr(rundir, "SYNC_AFTER_S", 3600.0)  # only the count decides here
    log = EventLog(tmp_path / "e.jsonl", "a", tmp_path)
    n = 2 * rundir.SYNC_EVERY + 5
    for i in range(n):
        log.emit("step", {"i": i})
        # Written (flushed) at once, whether or not synced yet: a reader sees every line.
        assert len((tmp_path / "e.jsonl").read_text().splitlines()) == i + 1
    assert len(synced) == 2
    log.close()
    assert len(synced) == 3  # the tail, synced before the attempt's record may be appended
    log.close()  # closing twice syncs nothing more and raises nothing
    assert len(synced) == 3


def test_a_slow_stream_syncs_by_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    monkeypatch.setattr(rundir, "SYNC_AFTER_S", 0.0)  # every event is "late": each syncs
    log = EventLog(tmp_path / "e.jsonl", "a", tmp_path)
    for i in range(3):
        log.emit("step", {"i": i})
    assert len(synced) == 3
    log.close()
    assert len(synced) == 3  # nothing left unsynced
