"""The smallest effect a claim could ever be supported on, at the planned size.

Before a run, the gate itself is asked: for the best data the plan allows — k of the n
units gaining by the same step and the rest tied, for every k and step — which is the
smallest mean difference it supports? The search is optimistic on purpose (the claim
alone, as if the rest of its Holm family passed too, on data cleaner than any real run),
so "never" means never: ``None`` is returned only when no data of the planned size could
be supported (too few units for ``min_n`` or for the sign test, too few runs per arm).
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.claims.data import Row
from assay.claims.evaluate import evaluate_family
from assay.records.claim import ClaimSpec
from assay.stats.power import min_discordant_units

STEPS_CONTINUOUS = 20
"""Steps of a metric that is not 0/1: effects are searched in twentieths of its range."""


@dataclass(frozen=True)
class Feasibility:
    """Whether, and from what effect up, a claim could ever be supported at the planned n."""

    claim_id: str
    units: int
    """Planned tasks (paired) or runs per arm (replicates)."""
    smallest_effect: float | None
    """In the metric's units; ``None``: no data of this size could support the claim."""
    detail: str


def _supported(spec: ClaimSpec, rows: list[Row]) -> bool:
    alone = spec.model_copy(update={"per": (), "requires_all": (), "where": None})
    return evaluate_family([alone], {spec.metric: rows})[0].status == "supported"


def _paired_rows(
    spec: ClaimSpec, n: int, attempts: int, *, k: int, step: float, less: float
) -> list[Row]:
    """N tasks; k gain ``step`` of the range, the k-th ``less`` below it; the rest tie."""
    low, high = spec.bounds
    rows = []
    for i in range(n):
        gain = (step - less if i == k - 1 else step) if i < k else 0.0
        for a in range(attempts):
            good = high if spec.direction == "greater" else low
            worse = low if spec.direction == "greater" else high
            value = worse + (good - worse) * gain
            rows.append(Row(f"t{i}", spec.treatment, str(a), value))
            rows.append(Row(f"t{i}", spec.control, str(a), worse))
    return rows


def _binary_rows(
    spec: ClaimSpec, n: int, attempts: int, *, k: int, wins: int, less: int = 0
) -> list[Row]:
    low, high = spec.bounds
    good, worse = (high, low) if spec.direction == "greater" else (low, high)
    rows = []
    for i in range(n):
        for a in range(attempts):
            won = i < k and a < (wins - less if i == k - 1 else wins)
            rows.append(Row(f"t{i}", spec.treatment, str(a), good if won else worse))
            rows.append(Row(f"t{i}", spec.control, str(a), worse))
    return rows


def _smallest_k(n: int, supported: object) -> int | None:
    """The fewest gaining units the gate supports (support grows with k), by bisection."""
    assert callable(supported)
    if not supported(n):
        return None
    lo, hi = 1, n
    while lo < hi:
        mid = (lo + hi) // 2
        if supported(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def paired_feasibility(spec: ClaimSpec, n: int, attempts: int, *, binary: bool) -> Feasibility:
    """The smallest supportable mean difference over ``n`` tasks × ``attempts`` per arm."""
    needed = min_discordant_units(spec.alpha_per_look)
    if n < spec.min_n:
        return Feasibility(
            spec.id, n, None, f"{n} tasks planned; the claim needs min_n {spec.min_n}"
        )
    if n < needed:
        return Feasibility(
            spec.id,
            n,
            None,
            f"{n} tasks planned; an exact sign test at alpha {spec.alpha_per_look:g} needs at"
            f" least {needed} tasks that differ",
        )
    steps = attempts if binary else STEPS_CONTINUOUS
    span = spec.bounds[1] - spec.bounds[0]
    best: float | None = None
    for j in range(1, steps + 1):
        for less in (0, 1) if j > 1 else (0,):

            def ok(k: int, j: int = j, less: int = less) -> bool:
                rows = (
                    _binary_rows(spec, n, attempts, k=k, wins=j, less=less)
                    if binary
                    else _paired_rows(spec, n, attempts, k=k, step=j / steps, less=less / steps)
                )
                return _supported(spec, rows)

            k = _smallest_k(n, ok)
            if k is not None:
                effect = (k * j - less) / (steps * n) * span
                best = effect if best is None else min(best, effect)
    if best is None:
        return Feasibility(
            spec.id, n, None, f"no data on {n} tasks × {attempts} attempts clears the gate"
        )
    return Feasibility(
        spec.id, n, best, f"{n} tasks × {attempts} attempts per arm: at best a gain of {best:.3g}"
    )


def replicate_feasibility(spec: ClaimSpec, runs: int) -> Feasibility:
    """The smallest supportable difference of rates with ``runs`` runs per arm."""
    if runs < spec.min_runs:
        return Feasibility(
            spec.id,
            runs,
            None,
            f"{runs} runs per arm planned; the claim needs min_runs {spec.min_runs}",
        )

    def ok(x: int) -> bool:
        return _supported(spec, _binary_rows(spec, 1, runs, k=1, wins=x))

    x = _smallest_k(runs, ok)
    if x is None:
        return Feasibility(
            spec.id, runs, None, f"even {runs}/{runs} against 0/{runs} does not clear the gate"
        )
    span = spec.bounds[1] - spec.bounds[0]
    effect = x / runs * span
    return Feasibility(
        spec.id, runs, effect, f"{runs} runs per arm: at best {x}/{runs} against 0/{runs}"
    )
