"""assay: honest, workflow-aware evaluation of coding agents.

The house has floors; a package imports only from floors below it (import-linter contracts
in ``pyproject.toml``, checked by ``make test``). From the ground up:

- ``errors``, ``records`` — the error base and every schema-versioned record, its JSON, its digest;
- ``store``   — the run directory on disk (append-only, synced);
- ``tasks``, ``sandbox``, ``stats``, ``models`` — the task format, isolation of untrusted
  code, small-n statistics, one interface over model providers;
- ``verify``, ``serve``, ``claims`` — the verification gate, the offline model server, the
  fail-closed claim evaluation;
- ``agents``, ``importers`` — the loop, one-shot and third-party CLI agents; HumanEval/MBPP+;
- ``oversight`` — interrupt channels (public tests, lint, hazard scan, review);
- ``runner``  — the experiment: attempts under workflow conditions into a run directory;
- ``results`` — the reading side: runs loaded and checked, metrics, scoring, run claims;
- ``release`` — cleaning, secret scans, artifact indexes;
- ``report``, ``query`` — the report (md, html, plots) and SQL over runs;
- ``cli``     — the ``assay`` command.

This module stays import-light: ``assay --help`` must start fast and the gate's plugin
imports the package inside every sandboxed pytest run.
"""

__version__ = "0.1.0"
