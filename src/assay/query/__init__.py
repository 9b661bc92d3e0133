"""SQL over run directories with DuckDB (``assay query``); see :mod:`assay.query.duckdb`."""
