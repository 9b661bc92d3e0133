"""Harness optimization: the project file (``assay.optimize.v1``) and the ledger's records.

The project is validated, copied into the optimization folder and hashed before anything
runs; a resume with a changed project is refused. Every candidate a proposer produced gets
one ``assay.optimize.candidate.v1`` line in ``ledger.jsonl``; the held-out evaluation at the
end adds one line per side (``heldout-baseline``, ``heldout-best``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assay.records.canonical import digest
from assay.records.manifest import NAME_PATTERN, ConditionSpec
from assay.records.tomlfile import read_toml, validate_as

PROJECT_SCHEMA: Final = "assay.optimize.v1"
CANDIDATE_SCHEMA: Final = "assay.optimize.candidate.v1"
LEADERBOARD_SCHEMA: Final = "assay.optimize.leaderboard.v1"

CostKind = Literal["tokens", "usd", "duration"]
KeepRule = Literal["superior", "non-inferior-cheaper"]
"""Why a child was kept: the gate supported "better by the margin", or "not worse by the
non-inferiority margin" together with "strictly cheaper"."""

Outcome = Literal[
    "baseline",
    "keep",
    "discard",
    "crash",
    "timeout",
    "no-change",
    "scope-violation",
    "heldout-baseline",
    "heldout-best",
]
"""What became of a candidate: ``keep`` replaced its parent, ``discard`` was evaluated and
not supported by the gate; ``crash``, ``timeout``, ``no-change`` and ``scope-violation`` were
never evaluated. ``heldout-*`` are the two sides of the final held-out evaluation."""


class _Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, use_attribute_docstrings=True, allow_inf_nan=False
    )


class HarnessSpec(_Strict):
    """The harness being optimized."""

    baseline: str = Field(min_length=1)
    """The baseline harness folder (relative to the project file)."""
    allowed_write_paths: list[str] = Field(min_length=1)
    """Globs (``fnmatch``, ``**`` allowed) of the paths a proposer may add, change or delete."""


class SplitSpec(_Strict):
    """A set of tasks a harness is evaluated on."""

    suite: str = Field(min_length=1)
    """A bundled suite name or a folder of tasks (relative to the project file)."""
    tasks: list[str] = Field(min_length=1)
    seeds: int = Field(default=1, ge=1, le=20)
    """Attempts per task; the gate pairs candidates over tasks × seeds."""


class EvaluationSpec(_Strict):
    """How a harness is evaluated: an ordinary assay run of one agent under one condition."""

    agent: str = Field(default="loop", pattern=r"^loop$")
    """The agent evaluated with the harness (the loop agent: AGENTS.md reaches its system
    prompt)."""
    model: str = Field(min_length=3)
    """Its model spec (``scripted:PATH`` relative to the project file, ``openai:MODEL``...)."""
    config: dict[str, Any] = Field(default_factory=dict)
    """Loop-agent settings; the harness's ``harness.toml`` ``[agent]`` table overrides them."""
    condition: ConditionSpec = ConditionSpec(id="solo")
    metric: Literal["success", "shipped_success", "shipped"] = "success"
    """The objective: a 0/1 per-attempt metric, higher is better."""
    attempts: int = Field(default=2, ge=1, le=16)
    """Attempts run at once in an evaluation."""
    attempt_s: float = Field(default=600.0, gt=0, le=24 * 3600)
    """Wall-clock limit of one attempt of an evaluation."""
    setup_timeout_s: float = Field(default=60.0, gt=0, le=3600)
    """Limit of each ``setup`` command of a harness."""


class SelectionSpec(_Strict):
    """The claim a child must win to replace its parent (the claim gate, paired)."""

    margin: float = Field(default=0.0, ge=0.0, le=1.0)
    """The smallest gain of the objective worth keeping (metric units)."""
    alpha: float = Field(default=0.025, gt=0.0, lt=0.5)
    min_n: int = Field(default=6, ge=2)
    """Fewest task × seed units a decision may rest on."""
    reevaluate_incumbent: bool = True
    """Evaluate the incumbent again beside every child (pairs on fresh evaluations, so a
    lucky evaluation of the incumbent does not stick); costs one evaluation per child."""
    non_inferiority_margin: float | None = Field(default=None, gt=0.0, lt=1.0)
    """When set, a child the gate does not find better may still replace its parent if the
    gate supports "child is not worse by this margin or more" (non-inferiority, paired) AND
    the child is strictly cheaper on ``cost`` (:mod:`assay.optimize.cost`)."""
    cost: CostKind = "tokens"
    """The cost the non-inferiority rule compares: the evaluated agent's ``tokens`` (prompt +
    completion), ``usd`` (unknown dollars fail closed) or ``duration`` (seconds per attempt)."""


class HeldoutSpec(SplitSpec):
    """The held-out split and its pre-registered claim (best beats baseline)."""

    margin: float = Field(default=0.0, ge=0.0, le=1.0)


class ProposerSpec(_Strict):
    """Who proposes changes to the harness."""

    kind: str = Field(pattern=r"^(scripted|command|agent|cli:[a-z0-9][a-z0-9-]*)$")
    """``scripted`` (replays a proposals file, for tests and the example), ``command`` (any
    program, run in the child's workspace), ``agent`` (assay's own loop agent with ``model``)
    or ``cli:NAME`` (an agent CLI)."""
    script: str | None = None
    """``scripted``: the proposals file (relative to the project file)."""
    command: list[str] = Field(default_factory=list)
    """``command``: the argv; the prompt arrives on stdin."""
    model: str | None = None
    """``agent`` and ``cli:NAME``: the model spec (a CLI reaches it through assay's proxy; a
    scripted model's replies are keyed by the candidate id, or ``"*"``)."""
    config: dict[str, Any] = Field(default_factory=dict)
    """``agent``: loop-agent settings (``assay.agents.config.LoopConfig``)."""
    instructions: str = (
        "Improve the agent harness in this folder so the agent evaluated with it succeeds on"
        " more tasks. Read .optimize/ (the task, the parent's results, the environment)."
        " Change only the files you are allowed to change."
    )
    timeout_s: float = Field(default=600.0, gt=0, le=24 * 3600)

    @model_validator(mode="after")
    def _needs(self) -> ProposerSpec:
        if self.kind == "scripted" and not self.script:
            raise ValueError("a scripted proposer needs script (the proposals file)")
        if self.kind == "command" and not self.command:
            raise ValueError("a command proposer needs command (argv)")
        if (self.kind == "agent" or self.kind.startswith("cli:")) and not self.model:
            raise ValueError(f"a {self.kind} proposer needs model (a model spec)")
        if self.config and self.kind != "agent":
            raise ValueError("config is for the agent proposer (loop-agent settings)")
        return self


class BudgetSpec(_Strict):
    """When to stop proposing (the first limit reached; a limit left out does not bind)."""

    iterations: int = Field(default=3, ge=0, le=1000)
    tokens: int | None = Field(default=None, ge=0)
    """Proposer tokens (prompt + completion) over all iterations."""
    usd: float | None = Field(default=None, ge=0)
    """Proposer dollars over all iterations (needs a priced proposer)."""
    wall_s: float | None = Field(default=None, gt=0)
    """Wall-clock seconds of the whole search (the held-out evaluation still runs)."""
    evaluations: int | None = Field(default=None, ge=1)
    """Evaluations on the search split (baseline, children, incumbent re-evaluations)."""


class Project(_Strict):
    """A whole harness-optimization project."""

    schema_id: Literal["assay.optimize.v1"] = Field(default=PROJECT_SCHEMA, alias="schema")
    name: str = Field(pattern=NAME_PATTERN)
    harness: HarnessSpec
    evaluation: EvaluationSpec
    search: SplitSpec
    heldout: HeldoutSpec
    selection: SelectionSpec = SelectionSpec()
    proposer: ProposerSpec
    budget: BudgetSpec = BudgetSpec()

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )

    @model_validator(mode="after")
    def _disjoint(self) -> Project:
        if self.search.suite == self.heldout.suite:
            shared = sorted(set(self.search.tasks) & set(self.heldout.tasks))
            if shared:
                raise ValueError(f"search and heldout share tasks {shared}: they must be disjoint")
        for split in (self.search, self.heldout):
            if len(set(split.tasks)) != len(split.tasks):
                raise ValueError(f"duplicate task ids in {split.tasks}")
        return self

    def digest(self) -> str:
        """sha256 of the canonical JSON of the validated project."""
        return digest(self)


def load_project(path: Path) -> Project:
    """Read and validate a project file; every problem names the file, key and fix (exit 2)."""
    return project_from_dict(read_toml(path, "project file"), source=str(path))


def project_from_dict(raw: dict[str, Any], *, source: str) -> Project:
    """Validate project data that came from ``source``."""
    return validate_as(
        Project,
        raw,
        source,
        fix="see the example project (src/assay/optimize/example/project.toml)",
    )


class Objective(_Strict):
    """The objective of one evaluation: the metric's mean over attempts, Wilson 95%."""

    metric: str
    mean: float
    low: float
    high: float
    attempts: int
    successes: int
    tokens: int
    """Prompt + completion tokens of the evaluated agent over the evaluation's attempts."""
    cost_usd: float | None
    """Its dollars at the evaluation's prices; null when any attempt's cost is unknown."""


class GateVerdict(_Strict):
    """The claim gate's decision on child (treatment) against parent (control)."""

    claim: str
    status: Literal["supported", "fail_closed"]
    reason: str | None
    detail: str
    effect: float | None
    lower_bound: float | None
    p_value: float | None
    units: int


class CostVerdict(_Strict):
    """Whether the child is strictly cheaper than its parent, paired over task × seed units.

    Differences are parent minus child per unit (positive: the child is cheaper). Supported
    only when the exact distribution-free lower confidence bound of their median (an order
    statistic, from the sign test's binomial) is above zero.
    """

    cost: CostKind
    status: Literal["supported", "fail_closed"]
    reason: str | None
    """``cost_unknown``, ``data_invalid``, ``insufficient_evidence`` or ``not_cheaper``."""
    detail: str
    units: int
    child_total: float | None
    parent_total: float | None
    mean_saving: float | None
    """Mean per-unit difference (parent − child)."""
    median_lower_bound: float | None
    """One-sided lower confidence bound (at alpha) of the median per-unit saving."""
    cheaper: int
    dearer: int
    p_value: float | None
    """Exact one-sided sign test of "the child is cheaper" (ties dropped)."""


class Usage(_Strict):
    """What the proposer spent on one candidate (unknown is null, never 0)."""

    tokens: int | None = None
    cost_usd: float | None = None
    duration_s: float = 0.0
    exit_code: int | None = None


class CandidateRecord(_Strict):
    """One line of ``ledger.jsonl``: a candidate and what became of it."""

    schema_id: Literal["assay.optimize.candidate.v1"] = Field(
        default=CANDIDATE_SCHEMA, alias="schema"
    )
    candidate: str
    parent: str | None
    iteration: int
    outcome: Outcome
    reason: str
    """Why: the gate's reason, the violating paths, the proposer's exit..."""
    objective: Objective | None = None
    incumbent_objective: Objective | None = None
    """The parent's objective on the evaluation the child was paired with."""
    gate: GateVerdict | None = None
    rule: KeepRule | None = None
    """Why a ``keep`` was kept (the reason starts with it too); None for other outcomes."""
    non_inferiority: GateVerdict | None = None
    """The non-inferiority claim's verdict, when the gate did not support superiority and the
    project declares ``selection.non_inferiority_margin``."""
    cost: CostVerdict | None = None
    """The paired cost comparison beside it."""
    changed_files: list[str] = Field(default_factory=list)
    usage: Usage = Usage()
    evaluation_s: float = 0.0
    run: str | None = None
    """The evaluation's run directory, relative to the optimization folder."""
    incumbent_run: str | None = None
    best: str
    """The incumbent after this line."""

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class LeaderboardEntry(_Strict):
    """A candidate that was evaluated on the search split."""

    candidate: str
    parent: str | None
    outcome: Outcome
    objective: Objective


class Leaderboard(_Strict):
    """``leaderboard.json``: evaluated candidates, best objective first; the final best."""

    schema_id: Literal["assay.optimize.leaderboard.v1"] = Field(
        default=LEADERBOARD_SCHEMA, alias="schema"
    )
    best: str
    finished: bool
    entries: list[LeaderboardEntry]
    heldout: GateVerdict | None = None

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


MATRIX_SCHEMA: Final = "assay.optimize.matrix.v1"
MATRIX_RESULT_SCHEMA: Final = "assay.optimize.matrix.result.v1"


class MatrixSpec(_Strict):
    """``assay optimize matrix``: proposers × models × trials of one project."""

    schema_id: Literal["assay.optimize.matrix.v1"] = Field(default=MATRIX_SCHEMA, alias="schema")
    project: str = Field(min_length=1)
    """The project file (relative to the matrix file); its proposer is replaced per cell."""
    proposers: list[ProposerSpec] = Field(min_length=1)
    models: list[str] = Field(default_factory=list)
    """Model specs for ``cli:NAME`` proposers (one cell each); others ignore them."""
    trials: int = Field(default=1, ge=1, le=100)

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )


class MatrixCell(_Strict):
    """One proposer × model, aggregated over its trials."""

    proposer: str
    model: str | None
    trials: int
    success_rate: float
    """Share of trials whose held-out claim was supported."""
    mean_best_objective: float
    """Mean over trials of the final best's objective on the search split."""
    timeout_rate: float
    """Share of trials with at least one ``timeout`` candidate."""
    folders: list[str]


class MatrixResult(_Strict):
    """``matrix.json``: every cell of a matrix."""

    schema_id: Literal["assay.optimize.matrix.result.v1"] = Field(
        default=MATRIX_RESULT_SCHEMA, alias="schema"
    )
    cells: list[MatrixCell]

    model_config = ConfigDict(
        extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False
    )
