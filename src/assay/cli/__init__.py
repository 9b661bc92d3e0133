"""The ``assay`` command: one module per command group, registered in :mod:`assay.cli.app`."""
