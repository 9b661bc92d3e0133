"""Reading attempt rows from CSV: every malformed row names the file, line and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.claims import Row, read_rows
from assay.errors import InputError


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.csv"
    path.write_text(text)
    return path


def test_reads_rows_with_failures_and_clusters(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "task,arm,attempt,value,cluster\n"
        "t1,A,0,1,repo1\n"
        "t1,B,0,error,repo1\n"
        " t2 ,B,1,0.25,\n"
        "t2,A,1,TIMEOUT,\n",
    )
    assert read_rows(path) == [
        Row("t1", "A", "0", 1.0, "repo1"),
        Row("t1", "B", "0", None, "repo1"),
        Row("t2", "B", "1", 0.25, None),
        Row("t2", "A", "1", None, None),
    ]


def test_columns_may_come_in_any_order(tmp_path: Path) -> None:
    path = _write(tmp_path, "value,task,attempt,arm\n1,t1,0,A\n")
    assert read_rows(path) == [Row("t1", "A", "0", 1.0)]


def _problem(path: Path) -> tuple[str, str, str]:
    with pytest.raises(InputError) as caught:
        read_rows(path)
    (problem,) = caught.value.problems
    assert problem.file == str(path)
    assert problem.fix
    return problem.field, problem.message, problem.fix


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ("task,arm,value\nt1,A,1\n", "header", "missing ['attempt']"),
        ("task,arm,attempt,value,weight\nt1,A,0,1,3\n", "header", "unknown ['weight']"),
        ("task,arm,attempt,value\nt1,A,0,1\nt2,A,0,yes\n", "line 3, column value", "'yes'"),
        ("task,arm,attempt,value\nt1,A,0,nan\n", "line 2, column value", "finite"),
        ("task,arm,attempt,value\nt1,A,0,\n", "line 2, column value", "finite"),
        ("task,arm,attempt,value\nt1,,0,1\n", "line 2, column arm", "empty"),
        ("task,arm,attempt,value\nt1,A,0\n", "line 2", "expected 4 fields"),
        ("task,arm,attempt,value\nt1,A,0,1,9\n", "line 2", "expected 4 fields"),
        ("task,arm,attempt,value\n", "", "no data rows"),
        ("", "header", "missing"),
    ],
)
def test_malformed_files(tmp_path: Path, text: str, field: str, message: str) -> None:
    got_field, got_message, _ = _problem(_write(tmp_path, text))
    assert got_field == field
    assert message in got_message


def test_missing_file(tmp_path: Path) -> None:
    field, message, _ = _problem(tmp_path / "absent.csv")
    assert message == "file not found"
    assert field == ""
