"""The blind code-quality judge (never a gate): rubric, judgments, agreement.

- ``rubric``  — the versioned TOML rubric (``assay.rubric.v1``; ``code-quality@1`` ships);
- ``patch``   — an attempt's final files rebuilt from its recorded diff;
- ``code``    — what the judge is shown of a pair (no tests, no notes, no protected files);
- ``prompt``  — the judge's messages: rubric, ``PROMPT.md`` and the two solutions only;
- ``reply``   — reading a reply, hostile ones included, into scores or a failure;
- ``lint``    — ruff's deterministic counts beside every judgment;
- ``execute`` — ``assay judge`` over a run: seeded orders, resumable synced records;
- ``summary`` — gap per arm over tasks, Krippendorff's alpha, position bias.
"""

from assay.judge.execute import (
    JudgeOptions,
    JudgeSummary,
    judge_run,
    position_of,
    read_judgments,
)
from assay.judge.reply import Failure, Parsed, Scored, parse_reply, render_reply
from assay.judge.rubric import DEFAULT_RUBRIC, Rubric, load_rubric
from assay.judge.summary import (
    Agreement,
    ArmGap,
    PositionBias,
    agreement,
    arm_gaps,
    position_bias,
    require_krippendorff,
)

__all__ = [
    "DEFAULT_RUBRIC",
    "Agreement",
    "ArmGap",
    "Failure",
    "JudgeOptions",
    "JudgeSummary",
    "Parsed",
    "PositionBias",
    "Rubric",
    "Scored",
    "agreement",
    "arm_gaps",
    "judge_run",
    "load_rubric",
    "parse_reply",
    "position_bias",
    "position_of",
    "read_judgments",
    "render_reply",
    "require_krippendorff",
]
