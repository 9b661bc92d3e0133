"""Builders of attempt rows shared by the claim tests."""

from __future__ import annotations

from collections.abc import Sequence

from assay.claims import ClaimSpec, Row


def spec(**overrides: object) -> ClaimSpec:
    """Return a claim "B beats A on success" with the gate's defaults unless overridden."""
    fields: dict[str, object] = {"id": "b-beats-a", "metric": "success", "treatment": "B"}
    fields["control"] = "A"
    fields.update(overrides)
    return ClaimSpec.model_validate(fields)


def paired_rows(
    treatment: Sequence[float | None],
    control: Sequence[float | None],
    *,
    arms: tuple[str, str] = ("B", "A"),
    clusters: Sequence[str] | None = None,
) -> list[Row]:
    """One attempt per arm per task: task i gets ``treatment[i]`` and ``control[i]``."""
    rows: list[Row] = []
    for i, (t, c) in enumerate(zip(treatment, control, strict=True)):
        cluster = clusters[i] if clusters is not None else None
        rows.append(Row(f"t{i:02d}", arms[0], "0", t, cluster))
        rows.append(Row(f"t{i:02d}", arms[1], "0", c, cluster))
    return rows


def strong_gain() -> list[Row]:
    """30 tasks: B solves 25, A solves 5, all of A's among B's: a clear, large gain."""
    return paired_rows([1.0] * 25 + [0.0] * 5, [0.0] * 20 + [1.0] * 5 + [0.0] * 5)


def borderline_gain() -> list[Row]:
    """20 tasks, 6 discordant all for B: each p lies in (α/2, α] at α = 0.025."""
    return paired_rows([1.0] * 13 + [0.0] * 7, [0.0] * 6 + [1.0] * 7 + [0.0] * 7)
