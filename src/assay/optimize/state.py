"""Where an optimization's search stands, and whether its budget is spent."""

from __future__ import annotations

from dataclasses import dataclass

from assay.optimize.evaluate import Evaluation
from assay.records.optimize import BudgetSpec


@dataclass
class State:
    """Where the search stands (rebuilt from the ledger on a resume)."""

    best: str
    incumbent: Evaluation
    iteration: int
    evaluations: int
    tokens: int
    cost_usd: float
    spent_s: float


def budget_reached(b: BudgetSpec, state: State) -> str | None:
    """The first budget limit ``state`` has reached, named; None while any budget is left."""
    checks = [
        (state.iteration >= b.iterations, f"{b.iterations} iterations"),
        (b.tokens is not None and state.tokens >= b.tokens, f"{b.tokens} proposer tokens"),
        (b.usd is not None and state.cost_usd >= b.usd, f"${b.usd} proposer spend"),
        (b.wall_s is not None and state.spent_s >= b.wall_s, f"{b.wall_s} s"),
        (
            b.evaluations is not None and state.evaluations >= b.evaluations,
            f"{b.evaluations} evaluations",
        ),
    ]
    return next((what for spent, what in checks if spent), None)
