"""``--log-level``: how much of assay's own logging reaches stderr."""

from __future__ import annotations

import logging
from enum import StrEnum


class LogLevel(StrEnum):
    """The levels ``--log-level`` (and ``ASSAY_LOG_LEVEL``) accept."""

    debug = "debug"
    info = "info"
    warning = "warning"
    error = "error"


def configure_logging(level: LogLevel) -> None:
    """Send the records of the ``assay`` loggers at ``level`` and above to stderr.

    Only assay's logger tree is configured, so libraries keep their own defaults, and
    stdout stays free for results (``--json`` prints one document there).
    """
    logger = logging.getLogger("assay")
    logger.setLevel(level.upper())
    if not any(getattr(h, "assay_cli", False) for h in logger.handlers):
        handler = logging.StreamHandler()  # stderr
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        handler.assay_cli = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.propagate = False
