"""Limitations generated from what the recorded data cannot support.

Every item is derived from the run directories: how many tasks and seeds there were, which
claims failed closed and why, the isolation the gate achieved, faults and interruptions,
unfinished runs, scripted models, and integrity problems. Nothing here is boilerplate that
would be printed regardless of the data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from assay.results.claims import RunClaims
from assay.results.metrics import ArmMetrics
from assay.results.runs import RunData

FEW_TASKS = 30
"""Below this many tasks the gate has little power (0.40 at n = 30 for a true gain of 0.20,
one attempt per task; reference/stats.md)."""


def _names(items: Sequence[str], limit: int = 6) -> str:
    shown = ", ".join(f"`{i}`" for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _run_items(run: RunData, arms: list[ArmMetrics], prefix: str) -> list[str]:
    return _design_items(run, prefix) + _conduct_items(run, arms, prefix)


def _design_items(run: RunData, prefix: str) -> list[str]:
    """What the experiment as designed cannot support: few tasks or seeds, scripted models."""
    out: list[str] = []
    n = len(run.task_ids)
    if n < 2:
        out.append(
            f"{prefix}{n} task(s): no interval over tasks can be estimated; every rate is a"
            " description of this sample only."
        )
    elif n < FEW_TASKS:
        out.append(
            f"{prefix}only {n} tasks: intervals over tasks are wide and the claim gate has"
            f" little power (with one attempt per task it detects a true gain of 0.20 only"
            f" about 40% of the time even at {FEW_TASKS} tasks)."
        )
    if run.manifest.seeds == 1:
        out.append(
            f"{prefix}one seed (one attempt per task and arm): variation between attempts"
            " of the same task is not measured, and pass@k is not available for k > 1."
        )
    scripted = sorted({a.model for a in run.manifest.agents if a.model.startswith("scripted:")})
    if scripted:
        out.append(
            f"{prefix}the agents' model is scripted ({_names(scripted)}): replies are replayed"
            " from a script, so these numbers exercise the harness, the gate and the workflow"
            " accounting — they say nothing about any real model's performance."
        )
    review = run.manifest.review
    escalating = any(c.escalate_to for c in run.manifest.conditions)
    if escalating and review.kind == "llm" and (review.model or "").startswith("scripted:"):
        out.append(
            f"{prefix}the review channel is a scripted reviewer, not a person or a real model:"
            " its detections and false alarms are properties of the script."
        )
    return out


def _conduct_items(run: RunData, arms: list[ArmMetrics], prefix: str) -> list[str]:
    """What went short as it ran: weak isolation, faults, gaps, changed inputs, provenance."""
    out: list[str] = []
    if run.isolation != "bwrap":
        out.append(
            f"{prefix}the verification gate ran with `{run.isolation}` isolation, weaker than"
            " bubblewrap: candidate code had no network or pid namespace of its own, so a"
            " hostile candidate could have reached the network or other processes."
        )
    faults = sum(a.faults for a in arms)
    if faults:
        by_arm = ", ".join(f"{a.condition}: {a.faults}" for a in arms if a.faults)
        out.append(
            f"{prefix}{faults} attempt(s) ended in a fault (the model endpoint failed;"
            f" {by_arm}). They count as failures in success and in claims; success among"
            " finished attempts is shown apart in the outcomes table."
        )
    interrupted = sum(a.interrupted for a in arms)
    if interrupted:
        out.append(
            f"{prefix}{interrupted} attempt(s) were interrupted by the operator and count as"
            " failures; resuming the run (`assay run --resume`) re-runs them."
        )
    note = run.progress_note()
    if note:
        out.append(f"{prefix}{note}; its claims fail closed (`run_unfinished`).")
    infra = run.faults_note()
    if infra:
        out.append(f"{prefix}{infra}; until then they count as failures.")
    if not run.manifest_intact:
        out.append(
            f"{prefix}`manifest.json` no longer hashes to `manifest.sha256`: the experiment"
            " definition changed after the run started, so every claim fails closed"
            " (`manifest_changed`)."
        )
    if run.missing_artifacts:
        out.append(
            f"{prefix}{len(run.missing_artifacts)} attempt(s) lack their events or diff file;"
            " their claims fail closed (`missing_artifacts`)."
        )
    if any(a.channels for a in arms):
        out.append(
            f"{prefix}channel detection rates count inspections, several per attempt and per"
            " task: they are descriptive, without intervals, and judged against hidden tests"
            " that can themselves miss defects, and against a hazard truth that is only as"
            " wide as the static hazard rules (a hazard they do not recognise is not counted)."
        )
    if run.environment.get("git_dirty"):
        out.append(
            f"{prefix}the code ran from a working tree with uncommitted changes: the recorded"
            " git commit does not fully identify it."
        )
    return out


def _claim_items(claims: RunClaims, prefix: str) -> list[str]:
    out: list[str] = []
    if not claims.run.manifest.claims:
        out.append(
            f"{prefix}no claims were pre-registered in the manifest, so none may be made:"
            " the tables describe this sample only."
        )
        return out
    reasons = Counter(r.reason for r in claims.results if r.reason is not None)
    insufficient = [r.claim.id for r in claims.results if r.reason == "insufficient_evidence"]
    if insufficient:
        out.append(
            f"{prefix}claims without enough evidence to decide (`insufficient_evidence`):"
            f" {_names(insufficient)}. Too few tasks, or too few tasks where the arms differ,"
            " for the exact sign test to reach its alpha; more tasks are needed, not more looks."
        )
    others = {k: v for k, v in reasons.items() if k != "insufficient_evidence"}
    if others:
        listed = ", ".join(f"`{k}` ×{v}" for k, v in sorted(others.items()))
        out.append(f"{prefix}other claims failed closed: {listed} (see the claims table).")
    if not any(r.status == "supported" for r in claims.results):
        out.append(f"{prefix}no claim is supported: nothing beyond this sample may be claimed.")
    return out


def limitations(
    runs: Sequence[RunData],
    arms: Sequence[list[ArmMetrics]],
    claims: Sequence[RunClaims],
) -> list[str]:
    """Every limitation the data impose, run by run (prefixed with the run when several)."""
    out: list[str] = []
    several = len(runs) > 1
    for run, run_arms, run_claims in zip(runs, arms, claims, strict=True):
        prefix = f"**{run.label}**: " if several else ""
        items = _run_items(run, run_arms, prefix) + _claim_items(run_claims, prefix)
        out += [i[0].upper() + i[1:] if not several else i for i in items]
    if several:
        task_sets = {frozenset(r.task_ids) for r in runs}
        out.append(
            "Runs side by side are not a paired comparison"
            + (" (their task sets differ)" if len(task_sets) > 1 else "")
            + ": no test was made across runs and no claim covers a difference between them."
        )
    return out
