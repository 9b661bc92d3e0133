"""A run's tables as Parquet or CSV files: the tables of ``assay query``, unchanged.

The rows and columns are exactly those of :mod:`assay.query.duckdb` (one row per attempt in
``attempts``, per inspection in ``channels``, per agent pass in ``passes``, per event line in
``events``, one in ``runs``); DuckDB's own ``COPY`` writes the file, so Parquet needs no
pyarrow. The statement is assay's, never the user's: only the output path comes from the
command line, and it is passed as a quoted literal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final, Literal

from assay.errors import InputError
from assay.query.duckdb import connect
from assay.results.runs import RunData

TABLES: Final = ("attempts", "channels", "passes", "events", "runs")
"""The tables an export can write (those ``assay query`` exposes)."""
ORDER: Final = {
    "attempts": "attempt_id",
    "channels": "attempt_id, round, channel",
    "passes": "attempt_id, round, pass",
    "events": "attempt_id, seq",
    "runs": "run",
}
"""A stable row order per table, so two exports of one run are the same rows in order."""
EXPORT_SETTINGS: Final[dict[str, str | bool]] = {
    "enable_external_access": True,  # the COPY below writes the one file asked for
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
"""The export database: it may write a file, never load an extension."""

Format = Literal["parquet", "csv"]


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def require_duckdb() -> None:
    """Raise :class:`InputError` (exit 2) when DuckDB (the ``stats`` extra) is missing."""
    try:
        import duckdb  # noqa: F401
    except ImportError:
        raise InputError.single(
            "duckdb",
            "",
            "the duckdb package is not installed (assay export parquet|csv writes with it)",
            "pip install 'assay[stats]'",
        ) from None


def export_table(run: RunData, table: str, out: Path, fmt: Format) -> int:
    """Write ``table`` of ``run`` to ``out`` as ``fmt``; return the number of rows written."""
    require_duckdb()
    if table not in TABLES:
        raise InputError.single(
            "assay export", "--table", f"unknown table {table!r}", f"use one of {', '.join(TABLES)}"
        )
    if out.is_dir():
        raise InputError.single(out, "--out", "is a folder", "give --out a file's path")
    out.parent.mkdir(parents=True, exist_ok=True)
    options = "FORMAT parquet" if fmt == "parquet" else "FORMAT csv, HEADER true"
    con = connect([run], settings=EXPORT_SETTINGS)
    try:
        select = f"SELECT * FROM {table} ORDER BY {ORDER[table]}"
        con.execute(f"COPY ({select}) TO {_literal(out)} ({options})")
        row = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    finally:
        con.close()
    return 0 if row is None else int(row[0])
