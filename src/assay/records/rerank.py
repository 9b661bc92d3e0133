"""Records of reranking, calibration and splits of a candidate pool.

``assay rerank`` writes ``assay.rerank.v1`` (:class:`RerankRecord`), ``assay calibrate``
``assay.calibration.v1`` (:class:`CalibrationRecord`) and ``assay split``
``assay.split.v1`` (:class:`SplitRecord`), each into the folder ``POOL.rerank`` beside the
pool (so the pool's own artifact index still verifies).
Metrics are shares in [0, 1]; lifts are in points (hundredths).
"""

from __future__ import annotations

from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from assay.records.claim import ClaimResult

RERANK_SCHEMA: Final = "assay.rerank.v1"
CALIBRATION_SCHEMA: Final = "assay.calibration.v1"
SPLIT_SCHEMA: Final = "assay.split.v1"
RERANK_SUFFIX: Final = ".rerank"
SPLIT_FILE: Final = "split.json"

CalibrationStatus = Literal["ok", "missing", "no_finite_scores", "single_class"]
SplitName = Literal["train", "validation", "test"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True, allow_inf_nan=False)


class MethodSummary(_Strict):
    """One ranking method's mean metrics over the problems of a slice."""

    pass_at_1: float
    mrr: float
    pass_at_k: dict[str, float]
    """k → mean pass@k, for each k no problem of the slice has fewer candidates than."""


class Lift(_Strict):
    """The scorer's pass@1 minus a baseline's, in points, with a 95% paired interval."""

    baseline: str
    points: float
    lower: float | None
    upper: float | None
    method: str
    """``t`` (below 30 problems), ``bootstrap-percentile`` (2000 seeded resamples), or
    ``not_estimable`` (``note`` says why)."""
    note: str = ""


class Slice(_Strict):
    """One benchmark under one seed."""

    benchmark: str
    seed: int
    problems: int
    candidates: int
    decidable: int
    """Problems with 0 < passing < pool size: the only ones a ranking can move."""
    missing: int
    """Problems the scorer had nothing to go on (its candidates tied)."""
    saturated: bool
    """No decidable problem: every method scores the same, so no gain can be shown."""
    methods: dict[str, MethodSummary]
    lifts: list[Lift]
    gap_closed: float | None
    """Σ(S − R) / Σ(O − R): the share of the gap between random and the oracle closed."""


class ProblemScore(_Strict):
    """Per problem and seed: its counts and every method's expected pass@1."""

    benchmark: str
    problem: str
    seed: int
    candidates: int
    passing: int
    status: Literal["ok", "missing"]
    detail: str = ""
    pass_at_1: dict[str, float]


class RerankRecord(_Strict):
    """The result of ``assay rerank``: slices, per-problem values, the gates, the verdict."""

    schema_id: Literal["assay.rerank.v1"] = Field(default=RERANK_SCHEMA, alias="schema")
    generator: str
    pool: str
    pool_digest: str
    """sha256 of the pool's candidates.jsonl."""
    scorer: str
    seeds: list[int]
    baselines: list[str]
    """The required baselines (one gate per benchmark × seed × baseline)."""
    margin: float
    alpha: float
    slices: list[Slice]
    problems: list[ProblemScore]
    gates: list[ClaimResult]
    status: Literal["supported", "fail_closed"]
    detail: str
    saturated: bool
    """Every slice saturated: reported as saturated, never as a gain."""
    created: str


class Bin(_Strict):
    """One bin of a reliability table."""

    lower: float
    upper: float
    count: int
    mean_predicted: float | None
    empirical_rate: float | None


class Threshold(_Strict):
    """Predictions p_pass ≥ threshold counted as "passes"."""

    threshold: float
    tp: int
    fp: int
    tn: int
    fn: int
    accuracy: float
    precision: float | None
    recall: float | None


class CalibrationSlice(_Strict):
    """Discrimination and calibration of a scorer on some candidates."""

    name: str
    n: int
    positives: int
    status: CalibrationStatus
    detail: str = ""
    roc_auc: float | None = None
    auc_lower: float | None = None
    auc_upper: float | None = None
    """DeLong 95% interval of the ROC-AUC, clipped to [0, 1]."""
    average_precision: float | None = None
    brier: float | None = None
    reliability: float | None = None
    resolution: float | None = None
    uncertainty: float | None = None
    ece_width: float | None = None
    ece_mass: float | None = None
    bins_width: list[Bin] = Field(default_factory=list)
    bins_mass: list[Bin] = Field(default_factory=list)
    unstable: bool = True
    """Fewer than 200 candidates: ECE and the bins are too noisy to trust."""
    threshold: Threshold | None = None


class CalibrationRecord(_Strict):
    """The result of ``assay calibrate``."""

    schema_id: Literal["assay.calibration.v1"] = Field(default=CALIBRATION_SCHEMA, alias="schema")
    generator: str
    pool: str
    pool_digest: str
    scorer: str
    seed: int
    probability: Literal["p_pass", "none"]
    """``p_pass``: the scorer states probabilities; ``none``: only scores (AUC and average
    precision from the scores; Brier, ECE and the threshold left out)."""
    overall: CalibrationSlice
    slices: list[CalibrationSlice]
    diagram: str | None
    """The reliability diagram PNG, relative to the record's folder."""
    created: str


class SplitCounts(_Strict):
    """Problems and candidates (passing and failing) in one split."""

    problems: int
    candidates: int
    passing: int
    failing: int


class SplitCoverageBlocker(_Strict):
    """Why no seeded shuffle gave validation and test both classes."""

    kind: Literal["split_coverage_blocker"] = "split_coverage_blocker"
    missing: list[str]
    """e.g. ``validation: no passing candidate`` (from the last attempt)."""
    attempts: int
    detail: str


class SplitRecord(_Strict):
    """The result of ``assay split``: problems (``benchmark/problem``) per split."""

    schema_id: Literal["assay.split.v1"] = Field(default=SPLIT_SCHEMA, alias="schema")
    generator: str
    pool: str
    pool_digest: str
    seed: int
    ratios: list[int]
    status: Literal["ok", "blocked"]
    attempt: int | None
    """The attempt whose shuffle (seed + attempt) covered both classes."""
    splits: dict[SplitName, list[str]]
    counts: dict[SplitName, SplitCounts]
    blocker: SplitCoverageBlocker | None = None
    created: str
