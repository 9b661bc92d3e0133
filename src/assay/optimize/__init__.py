"""Harness optimization: a proposer changes an agent harness; the claim gate decides.

- ``contract``  — what of a harness folder reaches the agent (AGENTS.md, harness.toml);
- ``scripts``   — the harness's ``scripts/`` laid into every evaluated workspace;
- ``tree``      — harness folders copied as regular files, snapshotted, compared, diffed;
- ``bundle``    — the instruction bundle ``.optimize/`` a proposer finds in its child;
- ``proposals``, ``scripted_proposer`` — the scripted proposer's file and its program;
- ``proposer``  — running a scripted, command or agent-CLI proposer, sandboxed;
- ``agent_proposer`` — assay's own loop agent as the proposer;
- ``evaluate``  — one evaluation: a throwaway copy, its setup, an ordinary assay run;
- ``select``    — child against parent (and best against baseline) on the claim gate;
- ``cost``      — "the child is strictly cheaper", paired, for non-inferiority selection;
- ``ledger``    — ``ledger.jsonl``, ``ledger.tsv``, ``leaderboard.json``, objectives as text;
- ``state``     — where the search stands, and whether its budget is spent;
- ``loop``      — ``assay optimize``: baseline, iterations, held out, resume;
- ``matrix``    — ``assay optimize matrix``: proposers × models × trials.

Records are in :mod:`assay.records.optimize`; the report section in
:mod:`assay.report.optimization`.
"""

from assay.optimize.ledger import objective_line, read_ledger
from assay.optimize.loop import Optimization
from assay.optimize.matrix import run_matrix

__all__ = ["Optimization", "objective_line", "read_ledger", "run_matrix"]
