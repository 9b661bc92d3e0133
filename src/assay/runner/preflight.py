"""Preflight: what an expensive run needs, checked before it starts (``assay preflight``).

- **tasks**: every task solvable — the reference passes, the untouched workspace fails
  (the checks of ``assay tasks check``, timed for the estimate);
- **endpoints**: every model and reviewer endpoint answers one cheap call (one try, a short
  timeout, at most a few tokens); scripted replay needs none;
- **agent CLIs**: every ``cli:NAME`` agent is installed (``assay agents check NAME``);
- **disk**: free space where the run will be written;
- **plan**: attempts planned and a time estimate (a floor from the gate's measured times, a
  ceiling from ``timeouts.attempt_s``);
- **claims**: per claim and sub-claim, the smallest effect it could ever be supported on at
  the planned size (:mod:`assay.claims.feasibility`); a claim that never could fails.
"""

from __future__ import annotations

import math
import shutil
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from assay.claims.family import expand
from assay.claims.feasibility import Feasibility, paired_feasibility, replicate_feasibility
from assay.errors import InputError
from assay.records.claim import BINARY_METRICS, ClaimSpec, PerDimension
from assay.records.manifest import Manifest
from assay.records.preflight import ClaimPlan, PreflightCheck, PreflightRecord
from assay.records.tasks import SuiteEntry
from assay.tasks.load import Task

DISK_BASE_MB: Final = 100
DISK_PER_ATTEMPT_MB: Final = 2
"""Free space asked for: a floor plus a generous allowance per attempt (events, diffs)."""
PING_TIMEOUT_S: Final = 20.0


def check_tasks(tasks: Sequence[Task]) -> list[PreflightCheck]:
    """Every task's reference passes and its untouched workspace fails."""
    from assay.verify.suite_check import check_task

    out = []
    for t in tasks:
        try:
            r = check_task(t)
        except InputError as exc:  # a reference the gate cannot even collect: not solvable
            problem = " ".join(str(exc).split())[:400]
            out.append(PreflightCheck(kind="tasks", name=t.id, ok=False, detail=problem))
            continue
        detail = (
            r.problem
            if not r.ok
            else (
                "reference fails as declared (unsatisfiable), untouched workspace fails"
                if r.unsatisfiable
                else "reference passes, untouched workspace fails"
            )
        )
        out.append(
            PreflightCheck(kind="tasks", name=t.id, ok=r.ok, detail=detail, seconds=r.seconds)
        )
    return out


def _endpoint_specs(manifest: Manifest) -> list[str]:
    specs = [a.model for a in manifest.agents]
    uses_review = any(
        c.escalate_to == "review" or "review" in c.channels for c in manifest.conditions
    )
    if uses_review and manifest.review.kind == "llm" and manifest.review.model is not None:
        specs.append(manifest.review.model)
    return list(dict.fromkeys(specs))


def ping(spec: str, timeout_s: float) -> PreflightCheck:
    """One cheap call to the endpoint a model spec names (one try, a few tokens)."""
    if spec.startswith("scripted:"):
        return PreflightCheck(
            kind="endpoint", name=spec, ok=True, detail="scripted replay: no endpoint"
        )
    from assay.models.retry import RetryPolicy
    from assay.models.spec import load_model
    from assay.models.types import Message, Request

    start = time.monotonic()
    model = load_model(spec, retry=RetryPolicy(max_tries=1), timeout_s=timeout_s)  # bad: exit 2
    try:
        model.generate(
            Request(
                messages=(Message(role="user", content="Reply with the word OK."),), max_tokens=4
            )
        )
    except Exception as exc:  # any failure to answer is the finding, never a crash
        said = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        return PreflightCheck(
            kind="endpoint",
            name=spec,
            ok=False,
            detail=f"no answer: {said}",
            seconds=round(time.monotonic() - start, 3),
        )
    return PreflightCheck(
        kind="endpoint",
        name=spec,
        ok=True,
        detail="answered one call",
        seconds=round(time.monotonic() - start, 3),
    )


def check_agent_clis(manifest: Manifest) -> list[PreflightCheck]:
    """Every ``cli:NAME`` agent's CLI is installed."""
    out = []
    for agent in manifest.agents:
        if not agent.kind.startswith("cli:"):
            continue
        from assay.agents.external.install import status
        from assay.agents.external.registry import adapter

        name = agent.kind.split(":", 1)[1]
        st = status(adapter(name))
        detail = (
            f"installed ({st.version})"
            if st.installed
            else f"not installed: run `assay agents check {name}`"
        )
        out.append(
            PreflightCheck(kind="agent_cli", name=agent.kind, ok=st.installed, detail=detail)
        )
    return out


def check_disk(out: Path, attempts: int) -> PreflightCheck:
    """Free space on the file system the run directory will be written to."""
    folder = out.absolute()
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free_mb = shutil.disk_usage(folder).free / 2**20
    need = DISK_BASE_MB + DISK_PER_ATTEMPT_MB * attempts
    return PreflightCheck(
        kind="disk",
        name=str(out),
        ok=free_mb >= need,
        detail=f"{free_mb:.0f} MB free; the plan asks for {need} MB"
        f" ({DISK_BASE_MB} + {DISK_PER_ATTEMPT_MB} per attempt)",
    )


def claim_plans(
    manifest: Manifest, suites: Sequence[SuiteEntry], tasks: Sequence[Task]
) -> list[ClaimPlan]:
    """Each claim and sub-claim at the planned size: the smallest effect ever supportable."""
    suite_of = {
        t.id: next(
            (s.given for s in suites if Path(t.root).resolve().is_relative_to(s.folder)), None
        )
        for t in tasks
    }
    dims: dict[PerDimension, list[str]] = {
        "suite": [s.given for s in suites],
        "seed": [str(s) for s in range(1, manifest.seeds + 1)],
        "task": [t.id for t in tasks],
    }
    out: list[ClaimPlan] = []
    for declared in manifest.claims:
        for member in expand(declared, [], dims)[0]:
            f = _feasibility(member.spec, manifest, tasks, suite_of)
            out.append(
                ClaimPlan(
                    claim_id=f.claim_id,
                    units=f.units,
                    smallest_effect=f.smallest_effect,
                    detail=f.detail,
                )
            )
    return out


def _feasibility(
    spec: ClaimSpec,
    manifest: Manifest,
    tasks: Sequence[Task],
    suite_of: dict[str, str | None],
) -> Feasibility:
    where = spec.where
    chosen = [
        t
        for t in tasks
        if where is None
        or (
            (not where.suite or suite_of.get(t.id) in where.suite)
            and (not where.task or t.id in where.task)
            and (not where.tags or set(where.tags) <= set(t.spec.tags))
        )
    ]
    seeds = len(where.seed) if where is not None and where.seed else manifest.seeds
    if spec.design == "replicates":
        if len(chosen) != 1:
            return Feasibility(
                spec.id,
                0,
                None,
                f"replicates decide one task; the plan gives this claim {len(chosen)}",
            )
        return replicate_feasibility(spec, seeds)
    return paired_feasibility(spec, len(chosen), seeds, binary=spec.metric in BINARY_METRICS)


def run_preflight(
    manifest: Manifest,
    suites: Sequence[SuiteEntry],
    tasks: Sequence[Task],
    out: Path,
    *,
    digest: str,
) -> PreflightRecord:
    """Run every check for ``manifest`` about to run into ``out``."""
    attempts = len(tasks) * len(manifest.agents) * len(manifest.conditions) * manifest.seeds
    timeout = min(PING_TIMEOUT_S, manifest.timeouts_or_default().call_s)
    checks = check_tasks(tasks)
    checks += [ping(spec, timeout) for spec in _endpoint_specs(manifest)]
    checks += check_agent_clis(manifest)
    checks.append(check_disk(out, attempts))
    plans = claim_plans(manifest, suites, tasks)
    checks += [
        PreflightCheck(
            kind="claim",
            name=p.claim_id,
            ok=p.smallest_effect is not None,
            detail=p.detail
            if p.smallest_effect is not None
            else f"can never be supported: {p.detail}",
        )
        for p in plans
    ]
    timed = [c.seconds for c in checks if c.kind == "tasks" and c.seconds is not None]
    per_task = sum(timed) / len(timed) / 2 if timed else None  # a check verifies twice
    width = manifest.concurrency.attempts
    return PreflightRecord(
        manifest_sha256=digest,
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        ok=all(c.ok for c in checks),
        checks=checks,
        planned_attempts=attempts,
        concurrency=width,
        estimate_low_s=None if per_task is None else round(attempts * per_task / width, 1),
        estimate_high_s=math.ceil(attempts / width) * manifest.timeouts_or_default().attempt_s,
        claims=plans,
    )
