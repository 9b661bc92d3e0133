"""The verification gate: ``verify(task, workspace) -> Verdict``.

Completion is never the agent's word, and the candidate never shares a process with what
decides. A ``runner = "pytest"`` task runs its pristine tests in a trusted pytest process
against the candidate's modules served from a sandboxed process of their own
(:mod:`assay.verify.remote`); a ``runner = "function"`` task sends inputs to the candidate's
sandbox and compares its plain answers in the trusted process (:mod:`assay.verify.function`).
Either way the verdict passes only if every expected test (collected from the pristine tests
with the reference solution) passed on every repeat (:mod:`assay.verify.decision`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from assay.errors import InputError
from assay.records.verdict import Verdict
from assay.tasks.load import Task

Scope = Literal["all", "public"]


def expected_tests(task: Task, scope: Scope = "all") -> list[str]:
    """The test ids a pytest task's pristine tests collect with the reference solution."""
    from assay.verify.remote.gate import expected_tests as collect

    return collect(task, scope)


def verify(
    task: Task,
    workspace: str | Path,
    *,
    scope: Scope = "all",
    repeats: int | None = None,
    strict_protected: bool = True,
) -> Verdict:
    """Verify a candidate workspace against a task and return the verdict.

    ``scope="public"`` runs only the public tests (what an agent's ``done`` may see; for a
    function task, its public pytest examples). With ``strict_protected`` a changed
    protected file fails the verdict by itself.
    """
    ws = Path(workspace)
    if not ws.is_dir():
        raise InputError.single(ws, "", "workspace folder not found", "give an existing folder")
    n = repeats or task.spec.verify.repeats
    if task.spec.verify.runner == "function" and scope == "all":
        from assay.verify.function.gate import verify_function

        return verify_function(task, ws, repeats=n, strict_protected=strict_protected)
    from assay.verify.remote.gate import verify_remote

    return verify_remote(task, ws, scope=scope, repeats=n, strict_protected=strict_protected)
