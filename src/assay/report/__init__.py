"""The report: renders what :mod:`assay.results` returns, regenerated from run directories alone.

- ``tables``      — the report's tables (side by side across runs and models);
- ``plots``       — success vs oversight cost, claims forest, channel detection (PNG);
- ``limitations`` — limitations generated from what the data cannot support;
- ``document``, ``markdown``, ``html`` — one list of blocks, two renderings;
- ``build``       — ``write_report``: report.md, self-contained report.html, plots.
"""

from assay.report.build import write_report

__all__ = ["write_report"]
