"""The judge's messages: the rubric, the task's prompt and two solutions — nothing else.

Built from the rubric, ``PROMPT.md`` and the shown files of both sides (``judge.code``)
only: no test file, verdict, outcome, arm, agent, model or attempt id is an argument here,
so none can reach the judge. Which side is "A" is decided by the caller (a seeded draw).
"""

from __future__ import annotations

import json

from assay.judge.code import MAX_FILE_CHARS
from assay.judge.rubric import Rubric
from assay.models.types import Message

FORMAT_NOTE = (
    'Answer with one JSON object and nothing else: keys "A" and "B", each an object with'
    ' one entry per dimension id; each entry is an object whose first key is "reason" (one'
    ' line, written first) and whose second key is "score" (a number).'
)


def _example(rubric: Rubric) -> str:
    dims = {d.id: {"reason": "...", "score": rubric.scale.min} for d in rubric.dimensions[:2]}
    return json.dumps({"A": dims, "B": dims})


def system_message(rubric: Rubric) -> str:
    """The rubric as the judge reads it."""
    lines = [
        rubric.instructions.strip(),
        "",
        f"Score every dimension from {rubric.scale.min:g} (worst) to {rubric.scale.max:g} (best):",
    ]
    lines += [f"- {d.id}: {d.description}" for d in rubric.dimensions]
    lines += ["", FORMAT_NOTE, f"Shape (every dimension, not just two): {_example(rubric)}"]
    return "\n".join(lines).strip()


def _files(files: dict[str, str | None]) -> str:
    parts = []
    for rel, text in files.items():
        if text is None:
            parts.append(f"--- {rel} (absent)")
            continue
        shown = text if len(text) <= MAX_FILE_CHARS else text[:MAX_FILE_CHARS] + "\n[clipped]"
        parts.append(f"--- {rel}\n{shown.rstrip()}")
    return "\n\n".join(parts) if parts else "(no files)"


def judge_messages(
    rubric: Rubric, prompt: str, first: dict[str, str | None], second: dict[str, str | None]
) -> tuple[Message, ...]:
    """The system and user messages of one judgment, ``first`` shown as solution A."""
    user = (
        f"# The task\n\n{prompt.strip()}\n\n"
        f"# Solution A\n\n{_files(first)}\n\n"
        f"# Solution B\n\n{_files(second)}\n\n"
        "Score both solutions on every dimension, as one JSON object."
    )
    return (Message("system", system_message(rubric)), Message("user", user))
