"""``assay query``: SQL (DuckDB) over the attempts, channels and events of run directories."""

from assay.query.duckdb import run_query

__all__ = ["run_query"]
