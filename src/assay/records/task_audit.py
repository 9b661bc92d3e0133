"""The task-strength audit record (``assay.audit.v1``): how strong each task's tests are.

``assay audit SUITE`` writes one :class:`SuiteAudit` (``audit.json`` with ``--out``, stdout
with ``--json``): per task, the mutation kill rate of the hidden tests and of the public
tests alone (with every surviving mutant's diff), flakiness over repeated verifications,
solvability, leakage of hidden assertions into the public tests, and the verification cost.
(The ``audit`` module beside this one is a different thing: the ``audit_draw`` event.)
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

AUDIT_SCHEMA: Final = "assay.audit.v1"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Survivor(_Strict):
    """A mutant the tests let through: each one is a missing test."""

    mutant: str
    """``m<index>`` in the mutator's order (the same names as a mutation pool's)."""
    line: int
    kind: str
    """The mutator's kind: ``compare``, ``arith``, ``boolop``, ``not``, ``const+1``, ..."""
    diff: str
    """Unified diff from the (normalised) reference to the mutant."""


class KillRate(_Strict):
    """The mutants one scope of tests killed."""

    scope: Literal["all", "public"]
    """``all``: the gate (hidden tests; public ones too for pytest tasks); ``public``: alone."""
    mutants: int = Field(ge=0)
    """Mutants verified (errors excluded)."""
    killed: int = Field(ge=0)
    rate: float | None = Field(ge=0.0, le=1.0)
    """``killed / mutants``; None when there was no mutant to verify."""
    errors: int = Field(ge=0)
    """Mutants the gate could not run at all (fail-closed batch verdicts), not counted."""
    survivors: list[Survivor]


class Flakiness(_Strict):
    """The reference and the untouched workspace, each verified ``repeats`` times."""

    repeats: int = Field(ge=1)
    reference_passed: list[bool]
    workspace_passed: list[bool]
    unstable_tests: list[str]
    """Test ids whose outcome differed between two verifications of the same code."""
    flaky: bool
    """Any verdict or test outcome disagreed between repeats."""


class Leakage(_Strict):
    """Hidden assertions the public tests already contain, verbatim (see the README)."""

    method: Literal["assert", "input"]
    """``assert``: normalised assert statements (pytest tasks); ``input``: the argument lists
    of the entry point's calls in the public tests against the hidden inputs (function tasks)."""
    hidden: int = Field(ge=0)
    """Hidden assertions (or hidden inputs) counted."""
    leaked: list[str]
    """Those found verbatim in the public tests (normalised source, or the argument list)."""
    leak: bool
    """Every hidden assertion is in the public tests: the hidden tests add nothing."""


class TaskAudit(_Strict):
    """One task's audit."""

    task_id: str
    runner: Literal["pytest", "function"]
    module: str | None
    """The candidate module mutated; None when the task has no single one (not mutated)."""
    reference_passes: bool
    """Every verification of the reference passed."""
    workspace_fails: bool
    """Every verification of the untouched workspace failed."""
    hidden: KillRate | None
    public: KillRate | None
    flakiness: Flakiness | None
    """None when the task was not audited (no single candidate module)."""
    leakage: Leakage
    verify_s: float = Field(ge=0.0)
    """Mean wall time of one verification of the reference (scope ``all``, one repeat)."""
    audit_s: float = Field(ge=0.0)
    """Summed verification time of everything this task's audit verified."""
    flagged: list[str]
    """Why the task fails the audit: ``below_min_kill``, ``reference_fails``, ... (empty: ok)."""
    note: str = ""


class SuiteAudit(_Strict):
    """``assay audit SUITE``: every task of one suite."""

    schema_id: Literal["assay.audit.v1"] = Field(default=AUDIT_SCHEMA, alias="schema")
    suite: str
    """The suite as given (a bundled name or a folder)."""
    repeats: int = Field(ge=1)
    max_mutants: int | None = Field(ge=0)
    min_kill: float | None = Field(ge=0.0, le=1.0)
    tasks: list[TaskAudit]
    wall_s: float = Field(ge=0.0)
    """Wall time of the whole audit."""
