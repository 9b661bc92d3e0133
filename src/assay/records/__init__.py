"""The ground floor: every record a run directory holds, schema-versioned, and its JSON.

- ``canonical`` — the one JSON encoding (sorted keys, no NaN) and the one digest over it;
- ``manifest``  — the experiment manifest (``assay.manifest.v1``) and its specs;
- ``claim``     — pre-registered claims and their decisions (``assay.claim.v1``);
- ``outcome``   — an attempt's outcome classes, their exit codes, why a pass ended;
- ``attempt``   — attempt, event and channel records (``assay.attempt.v1``, ``assay.event.v1``);
- ``verdict``   — the gate's verdict and the isolation it achieved (``assay.verdict.v1``);
- ``artifacts`` — the artifact index of a folder (``assay.artifacts.v1``);
- ``preflight`` — what ``assay preflight`` checked (``assay.preflight.v1``);
- ``audit``     — the ``audit_draw`` event of a ``sample:P`` escalation trigger;
- ``task_audit`` — the task-strength audit of a suite (``assay.audit.v1``, ``assay audit``).
- ``judgment``  — a blind code-quality judgment (``assay.judgment.v1``, ``judgments.jsonl``).

Nothing here imports any other part of assay but :mod:`assay.errors`.
"""

from assay.records.artifacts import ARTIFACTS, ArtifactFile, ArtifactIndex, ParentArtifact
from assay.records.attempt import (
    AttemptRecord,
    ChannelRecord,
    Counts,
    EventRecord,
    Tokens,
    VerdictSummary,
)
from assay.records.canonical import digest, dumps
from assay.records.claim import ClaimResult, ClaimSpec, FailClosedReason
from assay.records.manifest import (
    AgentSpec,
    ConditionSpec,
    Manifest,
    UtilitySpec,
    load_manifest,
    manifest_from_dict,
)
from assay.records.outcome import EXIT_CODES, Outcome, PassReason
from assay.records.verdict import FailureReason, Isolation, TestOutcome, Verdict

__all__ = [
    "ARTIFACTS",
    "EXIT_CODES",
    "AgentSpec",
    "ArtifactFile",
    "ArtifactIndex",
    "AttemptRecord",
    "ChannelRecord",
    "ClaimResult",
    "ClaimSpec",
    "ConditionSpec",
    "Counts",
    "EventRecord",
    "FailClosedReason",
    "FailureReason",
    "Isolation",
    "Manifest",
    "Outcome",
    "ParentArtifact",
    "PassReason",
    "TestOutcome",
    "Tokens",
    "UtilitySpec",
    "Verdict",
    "VerdictSummary",
    "digest",
    "dumps",
    "load_manifest",
    "manifest_from_dict",
]
