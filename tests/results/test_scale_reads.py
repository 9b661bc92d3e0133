"""Run directories at scale, on a small synthetic run: the fast reads change no answer.

One real experiment (``make_run``, 9 attempts) is replicated by ``bench/synth_run.py`` to
~200 attempts. Checked: report, claims, query and artifacts accept it; artifact presence
from directory listings equals the full check (resolve, inside, a file) on a run with
missing files and links; a malformed record still fails naming file, line and field; a
query builds only the tables it names and answers as if all were built.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assay.query.duckdb import TABLES, connect, fill, open_database, run_query, tables_named
from assay.results.runs import _inside, load_run
from tests.conftest import REPO, run_assay
from tests.support.rundir import copy_run, make_run


def _synth() -> ModuleType:
    spec = importlib.util.spec_from_file_location("synth_run", REPO / "bench" / "synth_run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["synth_run"] = module  # its dataclass looks its module up by name
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_run(tmp_path_factory.mktemp("scale-src"))


@pytest.fixture(scope="module")
def big(source: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scale") / "big"
    count = _synth().build(source, out, 200)
    assert count >= 200
    return out


def test_synthetic_run_is_accepted_by_every_reader(big: Path, tmp_path: Path) -> None:
    n = len((big / "attempts.jsonl").read_text().splitlines())
    done = run_assay("query", "select count(distinct attempt_id) from attempts", "--run", str(big))
    assert done.returncode == 0, done.stderr
    assert f"│ {n}" in done.stdout
    claims = run_assay("claims", str(big))
    assert claims.returncode in (0, 1) and "error" not in claims.stderr, claims.stderr
    report = run_assay("report", str(big), "--out", str(tmp_path / "rep"))
    assert report.returncode == 0, report.stderr
    assert "lack their events or diff" not in (tmp_path / "rep" / "report.md").read_text()
    assert run_assay("artifacts", "write", str(big)).returncode == 0
    verified = run_assay("artifacts", "verify", str(big))
    assert verified.returncode == 0, verified.stdout + verified.stderr


def test_listing_agrees_with_the_full_check(source: Path, tmp_path: Path) -> None:
    run = copy_run(source, tmp_path / "run")
    lines = [json.loads(x) for x in (run / "attempts.jsonl").read_text().splitlines()]
    outside = tmp_path / "outside.patch"
    outside.write_text("x")
    (run / lines[0]["events"]).unlink()  # gone
    diff = run / lines[1]["diff"]
    diff.unlink()
    diff.symlink_to(outside)  # a link out of the run: missing
    events = run / lines[2]["events"]
    events.unlink()
    events.symlink_to(run / lines[3]["events"])  # a link inside the run: present
    lines[4]["events"] = "events/../manifest.json"  # odd, but a file inside
    lines[5]["diff"] = "diffs/"  # a folder, not a file
    lines[6]["events"] = "/etc/passwd"  # absolute: never
    lines[7]["diff"] = "diffs/../../outside.patch"  # climbs out
    (run / "attempts.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    expected = {
        r["attempt_id"]: gone
        for r in lines
        if (gone := [rel for rel in (r["events"], r["diff"]) if not _inside(run, rel)])
    }
    assert load_run(run).missing_artifacts == expected
    assert set(expected) == {lines[i]["attempt_id"] for i in (0, 1, 5, 6, 7)}


def test_a_linked_events_folder_takes_the_full_check(source: Path, tmp_path: Path) -> None:
    run = copy_run(source, tmp_path / "run")
    elsewhere = tmp_path / "elsewhere"
    (run / "events").rename(elsewhere)
    os.symlink(elsewhere, run / "events")  # every events path now resolves out of the run
    missing = load_run(run).missing_artifacts
    assert len(missing) == len((run / "attempts.jsonl").read_text().splitlines())


def test_a_malformed_record_names_file_line_and_field(source: Path, tmp_path: Path) -> None:
    run = copy_run(source, tmp_path / "run")
    lines = (run / "attempts.jsonl").read_text().splitlines()
    bad = json.loads(lines[2])
    bad["seed"] = "three"
    lines[2] = json.dumps(bad)
    (run / "attempts.jsonl").write_text("\n".join(lines) + "\n")
    for args in (["claims", str(run)], ["query", "select 1", "--run", str(run)]):
        done = run_assay(*args)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "attempts.jsonl" in done.stderr and "line 3" in done.stderr
        assert "seed" in done.stderr


def test_a_query_builds_only_the_tables_it_names(source: Path) -> None:
    run = load_run(source)
    con = open_database()
    try:
        fill(con, [run], tables_named(con, "select count(*) from attempts"))
        counts = {t: con.execute(f"select count(*) from {t}").fetchone() for t in TABLES}
    finally:
        con.close()
    assert counts["attempts"] == (len(run.records),)
    assert counts["events"] == counts["passes"] == counts["channels"] == (0,)
    sql = (
        "select a.condition, count(distinct a.attempt_id), count(c.channel)"
        " from attempts a left join channels c using (attempt_id) group by 1 order by 1"
    )
    full = connect([run])
    try:
        assert run_query(sql, [run]).rows == full.execute(sql).fetchall()
    finally:
        full.close()


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.sampled_from(TABLES), min_size=1, max_size=4, unique=True),
    st.booleans(),
)
def test_tables_named_finds_exactly_the_tables_used(used: list[str], upper: bool) -> None:
    names = [t.upper() if upper else t for t in used]
    body = " cross join ".join(f"{n} t{i}" for i, n in enumerate(names))
    sql = f"with x as (select 1 as one) select count(*) from {body}, x"
    con = open_database()
    try:
        assert tables_named(con, sql) == frozenset(used)
        assert tables_named(con, sql + " where (") == frozenset(TABLES)  # unparsable: all
    finally:
        con.close()
