"""Reports regenerated from run directories alone: metrics, claims, tables, plots, HTML.

- ``source``      — a run directory loaded and checked (manifest hash, artifacts, plan);
- ``metrics``     — workflow metrics per agent × model × condition, intervals over tasks;
- ``runclaims``   — the manifest's pre-registered claims decided by the fail-closed gate;
- ``tables``      — the report's tables (side by side across runs and models);
- ``plots``       — success vs oversight cost, claims forest, channel detection (PNG);
- ``limitations`` — limitations generated from what the data cannot support;
- ``document``, ``markdown``, ``html`` — one list of blocks, two renderings;
- ``build``       — ``write_report``: report.md, self-contained report.html, plots.
"""
