"""Claims across two recorded runs that share tasks (``assay claims compare RUN_A RUN_B``).

Run A is the control arm, run B the treatment: a claim names them ``A`` and ``B``. Each
run contributes the attempts of one of its arms (a condition, an agent, or AGENT/CONDITION
as in its manifest), on the tasks both runs planned. The comparison is paired by task, as
within one run.

Before any statistic the two runs are checked for compatibility, and every difference is
said. Incompatible — the claims fail closed with ``runs_incompatible``, no statistic and
no look — when the runs share no task, when a shared task's files differ (its sha256 in
``tasks.json``), when both arms name the same condition but the runs define it differently,
or when the claim's metric depends on weights the runs set differently (``utility``, the
costs of the channels their arms use). Agents, models, seeds, timeouts and tasks held by
one run only are differences reported, not refused: a comparison of two models on the
same tasks is the point.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from assay.claims.data import Row
from assay.claims.evaluate import Flag, evaluate_family
from assay.claims.ledger import LookLedger
from assay.records.claim import ClaimResult, ClaimSpec, PerDimension
from assay.results.claims import ArmRef, resolve_arm, unfinished_flag
from assay.results.metrics import METRICS, attempt_values
from assay.results.runs import RunData

CONTROL, TREATMENT = "A", "B"
COST_METRICS = frozenset({"oversight_cost", "utility"})


@dataclass
class Compatibility:
    """What differs between the two runs, split into what refuses the comparison and not."""

    incompatible: list[str] = field(default_factory=list)
    noted: list[str] = field(default_factory=list)
    shared_tasks: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Whether the runs may be compared."""
        return not self.incompatible


def _task_digests(run: RunData) -> dict[str, str]:
    if run.task_list is None:
        return {}
    return {t.id: t.digest for t in run.task_list.tasks}


def suite_digest(run: RunData, suite: str) -> str | None:
    """sha256 over the (task id, task digest) pairs of one suite of a run."""
    suites = run.task_suites()
    digests = _task_digests(run)
    pairs = sorted((t, digests[t]) for t, s in suites.items() if s == suite and t in digests)
    if not pairs:
        return None
    return hashlib.sha256(repr(pairs).encode()).hexdigest()


def check_compatible(
    a: RunData, b: RunData, arm_a: ArmRef, arm_b: ArmRef, specs: Sequence[ClaimSpec]
) -> Compatibility:
    """Every difference between the runs that matters to these claims, said plainly."""
    out = Compatibility()
    da, db = _task_digests(a), _task_digests(b)
    ta = set(a.planned_tasks or a.task_ids)
    tb = set(b.planned_tasks or b.task_ids)
    shared = sorted(ta & tb)
    if not shared:
        out.incompatible.append("the runs share no task")
    for side, only in (("A", ta - tb), ("B", tb - ta)):
        if only:
            out.noted.append(f"tasks only in run {side} (left out): {', '.join(sorted(only))}")
    changed = [t for t in shared if t in da and t in db and da[t] != db[t]]
    if changed:
        out.incompatible.append(
            f"shared tasks whose files differ between the runs: {', '.join(changed)}"
        )
    unknown = [t for t in shared if t not in da or t not in db]
    if unknown:
        out.noted.append(
            "tasks without recorded digests (a run from before tasks.json): "
            + ", ".join(unknown[:5])
        )
    out.shared_tasks = [t for t in shared if t not in changed]
    for suite in sorted(set(a.planned_suites()) & set(b.planned_suites())):
        if suite_digest(a, suite) != suite_digest(b, suite):
            out.noted.append(f"suite {suite!r} holds different tasks or task files")
    _conditions(a, b, arm_a, arm_b, out)
    _weights(a, b, arm_a=arm_a, arm_b=arm_b, specs=specs, out=out)
    for what, va, vb in (
        ("agents", [x.id for x in a.manifest.agents], [x.id for x in b.manifest.agents]),
        (
            "models",
            sorted({x.model for x in a.manifest.agents}),
            sorted({x.model for x in b.manifest.agents}),
        ),
        ("seeds", a.manifest.seeds, b.manifest.seeds),
        ("timeouts", a.manifest.timeouts_or_default(), b.manifest.timeouts_or_default()),
    ):
        if va != vb:
            out.noted.append(f"{what} differ: A {va}, B {vb}")
    return out


def _condition(run: RunData, arm: ArmRef) -> object:
    return next((c for c in run.manifest.conditions if c.id == arm.condition), None)


def _conditions(a: RunData, b: RunData, arm_a: ArmRef, arm_b: ArmRef, out: Compatibility) -> None:
    if arm_a.condition is None or arm_b.condition is None:
        return
    if arm_a.condition != arm_b.condition:
        out.noted.append(
            f"the arms are different conditions by choice: A {arm_a.condition!r},"
            f" B {arm_b.condition!r}"
        )
        return
    ca, cb = _condition(a, arm_a), _condition(b, arm_b)
    if ca != cb:
        out.incompatible.append(
            f"condition {arm_a.condition!r} is defined differently: A {ca}, B {cb}"
        )


def _weights(
    a: RunData,
    b: RunData,
    *,
    arm_a: ArmRef,
    arm_b: ArmRef,
    specs: Sequence[ClaimSpec],
    out: Compatibility,
) -> None:
    metrics = {s.metric for s in specs}
    if "utility" in metrics and a.manifest.utility != b.manifest.utility:
        out.incompatible.append(
            f"utility weights differ (A {a.manifest.utility}, B {b.manifest.utility}) and a"
            " claim is about utility"
        )
    if metrics & COST_METRICS:
        used: set[str] = set()
        for run, arm in ((a, arm_a), (b, arm_b)):
            for c in run.manifest.conditions:
                if arm.condition in (None, c.id):
                    used |= set(c.channels) | ({c.escalate_to} if c.escalate_to else set())
        differ = sorted(
            ch for ch in used if a.manifest.costs.get(ch, 0.0) != b.manifest.costs.get(ch, 0.0)
        )
        if differ:
            out.incompatible.append(
                f"channel costs differ for {', '.join(differ)} and a claim is about cost"
            )


def _rows(run: RunData, arm: ArmRef, name: str, metric: str, tasks: set[str]) -> list[Row]:
    values = {r.attempt_id: attempt_values(r, run.manifest.utility) for r in run.records}
    suites, tags = run.task_suites(), run.task_tags()
    rows = []
    for r in run.records:
        if not arm.matches(r) or r.task_id not in tasks:
            continue
        value = None if r.outcome in ("fault", "interrupted") else values[r.attempt_id][metric]
        rows.append(
            Row(
                task=r.task_id,
                arm=name,
                attempt=f"s{r.seed}",
                value=value,
                suite=suites.get(r.task_id),
                seed=r.seed,
                agent=r.agent_id,
                model=r.model,
                tags=tags.get(r.task_id),
            )
        )
    return rows


@dataclass(frozen=True)
class Comparison:
    """The decisions of a comparison, and what the runs differ in."""

    results: list[ClaimResult]
    compatibility: Compatibility
    flags: list[Flag]


def compare_runs(
    a: RunData,
    b: RunData,
    arm_a: ArmRef,
    arm_b: ArmRef,
    specs: Sequence[ClaimSpec],
    *,
    ledger: LookLedger | None = None,
) -> Comparison:
    """Decide ``specs`` (arms ``A`` and ``B``) on the two runs' shared tasks."""
    compat = check_compatible(a, b, arm_a, arm_b, specs)
    flags: list[Flag] = []
    if not compat.ok:
        flags.append(Flag("runs_incompatible", "; ".join(compat.incompatible)))
    for side, run in (("A", a), ("B", b)):
        if (unfinished := unfinished_flag(run)) is not None:
            flags.append(Flag("run_unfinished", f"run {side}: {unfinished.detail}"))
        if not run.manifest_intact:
            flags.append(
                Flag(
                    "manifest_changed",
                    f"run {side}: manifest.json no longer hashes to manifest.sha256",
                )
            )
    shared = set(compat.shared_tasks)
    suites = sorted({s for run in (a, b) for t, s in run.task_suites().items() if t in shared})
    dims: dict[PerDimension, list[str]] = {
        "suite": suites,
        "seed": [str(s) for s in range(1, max(a.manifest.seeds, b.manifest.seeds) + 1)],
        "task": sorted(shared),
    }
    rows: dict[str, list[Row]] = {}
    if not flags:
        for metric in {s.metric for s in specs if s.metric in METRICS}:
            rows[metric] = _rows(a, arm_a, CONTROL, metric, shared) + _rows(
                b, arm_b, TREATMENT, metric, shared
            )
    results = evaluate_family(
        specs, rows, ledger=ledger if not flags else None, flags=flags, dimensions=dims
    )
    return Comparison(results, compat, flags)


def resolve_compare_arm(run: RunData, name: str | None) -> ArmRef | str:
    """The arm of one run a comparison takes (the only arm there is when no name is given)."""
    m = run.manifest
    if name is None:
        if len(m.agents) == 1 and len(m.conditions) == 1:
            return ArmRef(m.conditions[0].id, m.agents[0].id, m.conditions[0].id)
        return (
            f"run {run.label} has {len(m.agents)} agent(s) and {len(m.conditions)}"
            " condition(s): name the arm to compare with --arm (a condition, an agent or"
            " AGENT/CONDITION)"
        )
    return resolve_arm(name, m)
