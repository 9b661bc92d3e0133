"""Reading a judge's reply: a JSON object of both solutions' dimensions, or why it is not one.

The judge is asked for exactly one JSON object::

    {"A": {"clarity": {"reason": "one line", "score": 7}, ...},
     "B": {"clarity": {"reason": "one line", "score": 4}, ...}}

Every rubric dimension must be present for both solutions, with a non-empty reason written
*before* its score (key order), a score within the rubric's scale (a finite number, never
a boolean), and nothing else. Text around the object (a code fence, a preamble) is
tolerated; the first ``{`` that starts a complete JSON object is taken. Anything else is
a :class:`Failure` with the reason: a hostile or broken reply is a failed judgment, never
a crash.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from assay.judge.rubric import Rubric

MAX_REASON = 300
"""A reason is one line: longer ones are clipped (the score still counts)."""
LABELS = ("A", "B")


@dataclass(frozen=True)
class Scored:
    """One dimension as the judge answered it."""

    reason: str
    score: float


@dataclass(frozen=True)
class Parsed:
    """A well-formed judgment: dimension → (reason, score) for solutions A and B."""

    a: dict[str, Scored]
    b: dict[str, Scored]


@dataclass(frozen=True)
class Failure:
    """Why a reply is not a judgment."""

    reason: str


class _Bad(Exception):
    pass


def _first_object(text: str) -> dict[str, Any]:
    decoder = json.JSONDecoder(object_pairs_hook=_ordered_pairs)
    start = text.find("{")
    while start != -1:
        try:
            value, _ = decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            return value
        start = text.find("{", start + 1)
    raise _Bad("no JSON object in the reply")


class _Pairs(dict[str, Any]):
    """A JSON object that remembers its keys' order and whether a key repeated."""

    repeated: str | None = None


def _ordered_pairs(pairs: list[tuple[str, Any]]) -> _Pairs:
    out = _Pairs()
    for k, v in pairs:
        if k in out and out.repeated is None:
            out.repeated = k
        out[k] = v
    return out


def _score(value: Any, rubric: Rubric, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Bad(f"{where}: score is not a number ({value!r:.40})")
    score = float(value)
    if not math.isfinite(score):
        raise _Bad(f"{where}: score is not finite")
    low, high = rubric.scale.min, rubric.scale.max
    if not low <= score <= high:
        raise _Bad(f"{where}: score {score:g} is outside the scale {low:g}..{high:g}")
    return score


def _dimension(value: Any, rubric: Rubric, where: str) -> Scored:
    if not isinstance(value, dict):
        raise _Bad(f"{where}: not an object with a reason and a score")
    if isinstance(value, _Pairs) and value.repeated is not None:
        raise _Bad(f"{where}: {value.repeated!r} is given twice")
    keys = list(value)
    if set(keys) != {"reason", "score"}:
        raise _Bad(f"{where}: needs exactly the keys reason and score, got {keys[:5]}")
    if keys.index("reason") > keys.index("score"):
        raise _Bad(f"{where}: the score comes before its reason")
    reason = value["reason"]
    if not isinstance(reason, str) or not reason.strip():
        raise _Bad(f"{where}: the reason is empty or not text")
    one_line = " ".join(reason.split())[:MAX_REASON]
    return Scored(one_line, _score(value["score"], rubric, where))


def _solution(value: Any, rubric: Rubric, label: str) -> dict[str, Scored]:
    if not isinstance(value, dict):
        raise _Bad(f"{label}: not an object of dimensions")
    if isinstance(value, _Pairs) and value.repeated is not None:
        raise _Bad(f"{label}: dimension {value.repeated!r} is given twice")
    wanted = [d.id for d in rubric.dimensions]
    missing = [d for d in wanted if d not in value]
    if missing:
        raise _Bad(f"{label}: missing dimension(s) {', '.join(missing)}")
    extra = sorted(str(k) for k in value if k not in wanted)
    if extra:
        raise _Bad(f"{label}: unknown dimension(s) {', '.join(extra[:5])}")
    return {d: _dimension(value[d], rubric, f"{label}.{d}") for d in wanted}


def parse_reply(text: str, rubric: Rubric) -> Parsed | Failure:
    """Read a judge's reply against ``rubric``; never raises."""
    try:
        obj = _first_object(text)
        if isinstance(obj, _Pairs) and obj.repeated is not None:
            raise _Bad(f"solution {obj.repeated!r} is given twice")
        if set(obj) != set(LABELS):
            raise _Bad(f"the object needs exactly the keys A and B, got {sorted(obj)[:5]}")
        return Parsed(_solution(obj["A"], rubric, "A"), _solution(obj["B"], rubric, "B"))
    except _Bad as exc:
        return Failure(str(exc))


def render_reply(parsed: Parsed) -> str:
    """The JSON text of a judgment, as a judge is asked to write it (scripts and tests)."""

    def side(dims: dict[str, Scored]) -> dict[str, dict[str, object]]:
        return {k: {"reason": v.reason, "score": v.score} for k, v in dims.items()}

    return json.dumps({"A": side(parsed.a), "B": side(parsed.b)}, allow_nan=False)
