"""The pre-registered claims of a run directory, decided by the fail-closed gate.

How a claim's arms are read: ``treatment`` and ``control`` each name

- a **condition id** (``auto``) — when the run has exactly one agent;
- an **agent id** (``ollama-small``) — when the run has exactly one condition;
- or **AGENT/CONDITION** (``ollama-small/auto``) — always allowed, and required when the
  run has several agents *and* several conditions, or when a name is both an agent and a
  condition id.

Rows are one per attempt: task, arm (the name used in the claim), attempt (the seed) and
the claim's metric (see :data:`assay.results.metrics.METRICS`). Faults and interrupted
attempts carry no value, so the gate counts them as failures (the metric's worst value).
All claims of one manifest form one Holm family. Problems found in the run directory close
claims before any statistic is trusted: ``manifest_changed`` when ``manifest.json`` no
longer hashes to ``manifest.sha256``, ``missing_artifacts`` when an attempt's events or
diff are gone, ``data_invalid`` for unreadable arms or unknown metrics. An unfinished run
(planned attempts without a finished record, interrupted ones included) closes every claim
with ``run_unfinished`` before any statistic is computed, and no look is spent, unless the
user asks for an interim look (``--interim``): decided on the attempts recorded, recorded in
the ledger as interim, and counted against ``planned_looks`` (alpha is split across them).
Claims may carry ``where``, ``per`` and ``requires_all`` (:mod:`assay.claims.family`):
rows carry each attempt's suite, tags, agent, model and seed from ``tasks.json`` and the
record, and ``per`` expands over the suites, seeds and tasks the run planned.
Every evaluation is a look, recorded in ``claims/ledger.jsonl`` inside the run directory,
under the run directory's writer lock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from assay.claims.data import Row
from assay.claims.evaluate import Flag, evaluate_family
from assay.claims.ledger import LookLedger
from assay.errors import InputError
from assay.records.attempt import AttemptRecord
from assay.records.claim import ClaimResult, ClaimSpec, ClaimWhere, PerDimension
from assay.records.manifest import Manifest
from assay.results.metrics import METRICS, attempt_values
from assay.results.runs import RunData
from assay.store.rundir import RunDir

Dims = dict[PerDimension, list[str]]
LEDGER: Final = Path("claims") / "ledger.jsonl"
"""Where a run directory keeps its ledger of looks, relative to its root."""
ARM_SEPARATOR: Final = "/"


@dataclass(frozen=True)
class ArmRef:
    """The agent and/or condition an arm name selects (``None`` = the only one there is)."""

    name: str
    agent: str | None
    condition: str | None

    def matches(self, r: AttemptRecord) -> bool:
        """Whether an attempt belongs to this arm."""
        return (self.agent is None or r.agent_id == self.agent) and (
            self.condition is None or r.condition == self.condition
        )


def resolve_arm(name: str, manifest: Manifest, where: ClaimWhere | None = None) -> ArmRef | str:
    """Resolve an arm name against the manifest; return the problem as text if it cannot be.

    A claim whose ``where.agent`` keeps one agent may name its arms by condition alone.
    """
    agents = [a.id for a in manifest.agents]
    narrowed = where is not None and bool(where.agent)
    if where is not None and where.agent:
        agents = [a for a in agents if a in where.agent] or agents
    conditions = [c.id for c in manifest.conditions]
    if ARM_SEPARATOR in name:
        agent, _, condition = name.partition(ARM_SEPARATOR)
        if agent not in agents or condition not in conditions:
            return (
                f"arm {name!r}: {agent!r} must be an agent id ({', '.join(agents)}) and"
                f" {condition!r} a condition id ({', '.join(conditions)})"
            )
        return ArmRef(name, agent, condition)
    is_agent, is_condition = name in agents, name in conditions
    qualify = f"name it as AGENT{ARM_SEPARATOR}CONDITION"
    if is_agent and is_condition:
        return f"arm {name!r} is both an agent id and a condition id: {qualify}"
    if is_condition:
        if len(agents) > 1:
            return f"arm {name!r} is a condition but the run has {len(agents)} agents: {qualify}"
        # Pinned to the one agent ``where`` keeps, so other agents' attempts never match.
        return ArmRef(name, agents[0] if narrowed else None, name)
    if is_agent:
        if len(conditions) > 1:
            return (
                f"arm {name!r} is an agent but the run has {len(conditions)} conditions: {qualify}"
            )
        return ArmRef(name, name, None)
    return (
        f"arm {name!r} is neither an agent id ({', '.join(agents)}) nor a condition id"
        f" ({', '.join(conditions)})"
    )


def _value(r: AttemptRecord, metric: str, values: dict[str, float]) -> float | None:
    if r.outcome in ("fault", "interrupted"):
        return None
    return values[metric]


@dataclass(frozen=True)
class RunClaims:
    """The decisions on one run directory's claims."""

    run: RunData
    results: list[ClaimResult]
    flags: list[Flag]

    def to_json(self) -> dict[str, Any]:
        """The decisions as plain data (no paths)."""
        return {
            "run": self.run.label,
            "manifest_sha256": self.run.recorded_digest,
            "manifest_intact": self.run.manifest_intact,
            "unfinished": self.run.progress_note(),
            "infrastructure_faults": self.run.faults_note(),
            "flags": [
                {"reason": f.reason, "detail": f.detail, "claim_id": f.claim_id} for f in self.flags
            ],
            "results": [r.model_dump(mode="json", by_alias=True) for r in self.results],
        }


def _claim_flags(
    spec: ClaimSpec, run: RunData, arms: list[ArmRef | str], records: Sequence[AttemptRecord]
) -> list[Flag]:
    problems = [a for a in arms if isinstance(a, str)]
    if problems:
        return [Flag("data_invalid", "; ".join(problems), spec.id)]
    refs = [a for a in arms if isinstance(a, ArmRef)]
    if spec.metric not in METRICS:
        return [
            Flag(
                "data_invalid",
                f"unknown metric {spec.metric!r}; a run records {', '.join(METRICS)}",
                spec.id,
            )
        ]
    mine = [r for r in records if any(a.matches(r) for a in refs)]
    gone = sorted(r.attempt_id for r in mine if r.attempt_id in run.missing_artifacts)
    flags: list[Flag] = []
    if gone:
        flags.append(
            Flag(
                "missing_artifacts",
                f"{len(gone)} attempt(s) of the claim's arms lack events or diffs: "
                + ", ".join(gone[:3])
                + (" ..." if len(gone) > 3 else ""),
                spec.id,
            )
        )
    return flags


def build_rows(specs: Sequence[ClaimSpec], run: RunData) -> tuple[dict[str, list[Row]], list[Flag]]:
    """Rows per metric for every claim's arms, and the flags the run directory raises."""
    flags: list[Flag] = []
    if not run.manifest_intact:
        flags.append(
            Flag(
                "manifest_changed",
                f"manifest.json hashes to {run.actual_digest[:12]}, not to the recorded"
                f" {run.recorded_digest[:12]} the run was started with",
            )
        )
    rows: dict[str, dict[tuple[str, str, str], Row]] = {}
    utility = run.manifest.utility
    values = {r.attempt_id: attempt_values(r, utility) for r in run.records}
    suites, tags = run.task_suites(), run.task_tags()
    for spec in specs:
        arms = [
            resolve_arm(spec.treatment, run.manifest, spec.where),
            resolve_arm(spec.control, run.manifest, spec.where),
        ]
        flags += _claim_flags(spec, run, arms, run.records)
        if spec.metric not in METRICS:
            continue
        table = rows.setdefault(spec.metric, {})
        for arm in arms:
            if isinstance(arm, str):
                continue
            for r in run.records:
                if arm.matches(r):
                    key = (arm.name, r.task_id, f"s{r.seed}")
                    table[key] = Row(
                        task=r.task_id,
                        arm=arm.name,
                        attempt=f"s{r.seed}",
                        value=_value(r, spec.metric, values[r.attempt_id]),
                        suite=suites.get(r.task_id),
                        seed=r.seed,
                        agent=r.agent_id,
                        model=r.model,
                        tags=tags.get(r.task_id),
                    )
    return {m: list(t.values()) for m, t in rows.items()}, flags


def check_claims(manifest: Manifest, source: str = "manifest") -> None:
    """Raise :class:`InputError` for claims a run could never read.

    Arms and metrics must exist; ``where`` must name the manifest's suites, agents, models
    and seeds; ``requires_all`` must name claims or sub-claims the manifest declares, with
    no cycle.
    """
    problems = InputError()

    def problem(field: str, message: str, fix: str) -> None:
        problems.problems.extend(InputError.single(source, field, message, fix).problems)

    for i, spec in enumerate(manifest.claims):
        for field in ("treatment", "control"):
            arm = resolve_arm(getattr(spec, field), manifest, spec.where)
            if isinstance(arm, str):
                problem(f"claims.{i}.{field}", arm, "name a condition, an agent or AGENT/CONDITION")
        if spec.metric not in METRICS:
            problem(
                f"claims.{i}.metric",
                f"unknown metric {spec.metric!r}",
                f"use one of: {', '.join(METRICS)}",
            )
        for field, unknown, known in _unknown_where(spec.where, manifest):
            problem(
                f"claims.{i}.where.{field}",
                f"{', '.join(map(str, unknown))} not in the manifest",
                f"use one of: {', '.join(map(str, known))}",
            )
    for field, message in _requirement_problems(manifest):
        problem(field, message, "name a declared claim, ID[suite=NAME,seed=N] or ID[*]")
    if problems.problems:
        raise problems


def _unknown_where(
    where: ClaimWhere | None, manifest: Manifest
) -> list[tuple[str, list[object], list[object]]]:
    if where is None:
        return []
    known: dict[str, list[object]] = {
        "suite": [*manifest.suites],
        "agent": [*(a.id for a in manifest.agents)],
        "model": [*sorted({a.model for a in manifest.agents})],
        "seed": list(range(1, manifest.seeds + 1)),
    }
    if manifest.tasks:
        known["task"] = [*manifest.tasks]
    out: list[tuple[str, list[object], list[object]]] = []
    for field, values in known.items():
        unknown = [v for v in getattr(where, field) if v not in values]
        if unknown:
            out.append((field, unknown, values))
    return out


def plan_dimensions(manifest: Manifest, suites: Sequence[str], tasks: Sequence[str]) -> Dims:
    """The values ``per`` expands into: the run's suites, seeds and planned tasks."""
    return {
        "suite": list(suites),
        "seed": [str(s) for s in range(1, manifest.seeds + 1)],
        "task": list(tasks),
    }


def _requirement_problems(manifest: Manifest) -> list[tuple[str, str]]:
    """requires_all entries that name no claim of the manifest, and cycles between claims."""
    from assay.claims.family import expand, resolve_requirements

    dims = plan_dimensions(manifest, manifest.suites, manifest.tasks)
    members = [m for spec in manifest.claims for m in expand(spec, [], dims)[0]]
    by_base = {spec.id: spec for spec in manifest.claims}
    out: list[tuple[str, str]] = []
    edges: dict[str, list[str]] = {}
    for i, spec in enumerate(manifest.claims):
        needed, unknown = resolve_requirements(spec, members)
        # Sub-claims per task are named only once the tasks are loaded: accept them by base.
        unknown = [
            u
            for u in unknown
            if not (
                "[" in u
                and "task" in getattr(by_base.get(u.split("[", 1)[0]), "per", ())
                and not manifest.tasks
            )
        ]
        if unknown:
            out.append((f"claims.{i}.requires_all", f"{unknown} name no claim or sub-claim"))
        edges[spec.id] = needed  # sub-claims require nothing: only declared claims have edges
    for start, first in edges.items():
        seen: set[str] = set()
        stack = list(first)
        while stack:
            node = stack.pop()
            if node == start:
                out.append(("claims", f"claim {start!r} requires itself through requires_all"))
                break
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, []))
    return out


def unfinished_flag(run: RunData) -> Flag | None:
    """The ``run_unfinished`` flag of a run with planned attempts still to run, or None.

    Infrastructure faults do not close claims: like every fault they count as failures
    (the conservative reading) until ``--retry-faults`` turns them into outcomes.
    """
    note = run.progress_note()
    if note is None:
        return None
    return Flag(
        "run_unfinished",
        note + " (or take an interim look, which spends one of the planned looks: --interim)",
    )


def run_dimensions(run: RunData) -> Dims:
    """The suites, seeds and tasks a run planned over (what ``per`` expands into)."""
    tasks = list(run.planned_tasks) if run.planned_tasks is not None else run.task_ids
    return plan_dimensions(run.manifest, run.planned_suites(), tasks)


def evaluate_run(run: RunData, *, record_looks: bool = True, interim: bool = False) -> RunClaims:
    """Decide every claim of the run's manifest as one Holm family; record the looks.

    On an unfinished run every claim fails closed (``run_unfinished``) without a statistic
    or a look, unless ``interim``: then the claims are decided on the attempts recorded and
    each look is recorded as an interim look, one of the ``planned_looks``. On a finished run
    ``interim`` changes nothing. Recording takes the run directory's lock.
    """
    specs = list(run.manifest.claims)
    if not specs:
        return RunClaims(run, [], [])
    unfinished = unfinished_flag(run)
    dims = run_dimensions(run)
    if unfinished is not None and not interim:
        # No rows: nothing is computed, so nobody has looked at the effect.
        results = evaluate_family(specs, {}, flags=[unfinished], dimensions=dims)
        return RunClaims(run, results, [unfinished])
    levels = {s.alpha_per_look for s in specs}
    if len(levels) > 1:
        raise InputError.single(
            run.root / "manifest.json",
            "claims",
            "the claims use different alpha / planned_looks, so they cannot form one Holm family",
            "pre-register every claim of a manifest with the same alpha and planned_looks",
        )
    rows, flags = build_rows(specs, run)
    marked = unfinished is not None
    if not record_looks:
        results = evaluate_family(specs, rows, flags=flags, dimensions=dims, interim=marked)
        return RunClaims(run, results, flags)
    with RunDir(run.root).lock("claims look"):
        results = evaluate_family(
            specs,
            rows,
            ledger=LookLedger(run.root / LEDGER),
            flags=flags,
            dimensions=dims,
            interim=marked,
        )
    return RunClaims(run, results, flags)
