"""``assay query`` is read-only: one SELECT over the run's own records, nothing else.

Issue 19, item 9: ``COPY ... TO '/any/path'``, ``ATTACH``, ``CREATE`` and
``read_text('/etc/...')`` all worked, and several statements passed as one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_assay
from tests.support.rundir import TASKS, copy_run, make_run


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("readonly"))


def _refused(sql: str, run: Path) -> str:
    done = run_assay("query", sql, "--run", str(run), "--json")
    assert done.returncode == 2, (sql, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "fix:" in done.stderr
    return done.stderr


@pytest.mark.parametrize(
    "template",
    [
        "COPY (SELECT * FROM attempts) TO '{target}'",
        "ATTACH '{target}' AS other",
        "EXPORT DATABASE '{target}'",
        "CREATE TABLE t AS SELECT 1",
        "CREATE MACRO m() AS 1",
        "INSERT INTO attempts SELECT * FROM attempts",
        "UPDATE attempts SET success = true",
        "DELETE FROM attempts",
        "DROP TABLE attempts",
        "SET enable_external_access = true",
        "PRAGMA version",
        "INSTALL httpfs",
        "LOAD httpfs",
        "CALL pragma_version()",
        "SELECT 1; COPY (SELECT 1) TO '{target}'",
        "SELECT 1; SELECT 2",
    ],
)
def test_statements_that_are_not_one_select_are_refused(
    run: Path, tmp_path: Path, template: str
) -> None:
    target = tmp_path / "leak.csv"
    _refused(template.format(target=target), run)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_text('{secret}')",
        "SELECT * FROM read_csv('{secret}')",
        "SELECT * FROM read_blob('{secret}')",
        "SELECT * FROM sniff_csv('{secret}')",
        "SELECT * FROM glob('{folder}/*')",
        "SELECT * FROM '{secret}'",
        "SELECT count(*) FROM attempts WHERE task_id IN (SELECT content FROM read_text('{secret}'))",
    ],
)
def test_selects_cannot_read_files(run: Path, tmp_path: Path, sql: str) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("hunter2-secret-value\n")
    err = _refused(sql.format(secret=secret, folder=tmp_path), run)
    assert "hunter2" not in err


def test_the_run_files_cannot_be_read_directly_either(run: Path) -> None:
    events = next((run / "events").glob("*.jsonl"))
    _refused(f"SELECT * FROM read_json('{events}')", run)


def test_reading_queries_still_work(run: Path) -> None:
    done = run_assay(
        "query",
        "WITH t AS (SELECT task_id FROM attempts) SELECT count(DISTINCT task_id) AS n FROM t",
        "--run",
        str(run),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": len(TASKS)}]


def test_events_with_a_cut_last_line_are_still_queried(run: Path, tmp_path: Path) -> None:
    copy = copy_run(run, tmp_path / "cut")
    file = next((copy / "events").glob("*.jsonl"))
    whole = len(file.read_text().splitlines())
    with file.open("a") as fh:
        fh.write('{"schema": "assay.event.v1", "attempt_id": "x", "se')  # a crash mid-line
    before = file.read_bytes()
    attempt = file.stem
    done = run_assay(
        "query",
        f"SELECT count(*) AS n FROM events WHERE attempt_id = '{attempt}'",
        "--run",
        str(copy),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [{"n": whole}]
    assert file.read_bytes() == before  # a reader never repairs
