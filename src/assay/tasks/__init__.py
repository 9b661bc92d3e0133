"""Tasks and suites: the ``task.toml`` schema, loading with precise errors, and suite checks."""
