"""An attempt's events as a timeline: one item per event, summarised by kind.

Events are read the way ``assay query`` reads them: complete lines only (a line being
written, or cut by a crash, is left out and nothing is repaired). Long texts — tool
results, file contents, feedback — are clipped; the raw record stays one link away.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from assay.results.events import read_events

CLIP: Final = 1500
"""Characters of a tool's arguments or result shown before the rest is clipped."""


@dataclass(frozen=True)
class Item:
    """One event on the timeline."""

    seq: int
    t: float
    kind: str
    title: str
    details: list[tuple[str, str]] = field(default_factory=list)
    """(label, text) pairs shown under the title (texts already clipped)."""
    tone: str = ""
    """``ok``, ``bad`` or empty: how the item is coloured."""


def clip(text: str, limit: int = CLIP) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n[... {len(text) - limit} more characters clipped ...]"


def _dict(v: Any) -> dict[str, Any]:
    return v if isinstance(v, dict) else {}


def _num(v: Any, fmt: str = "{:.2f}") -> str:
    return "?" if not isinstance(v, int | float) else fmt.format(v)


def _model_call(d: dict[str, Any]) -> tuple[str, list[tuple[str, str]], str]:
    title = (
        f"model call: {d.get('prompt_tokens', '?')} prompt + {d.get('completion_tokens', '?')}"
        f" completion tokens, {_num(d.get('latency_s'))} s"
    )
    calls = d.get("tool_calls") or []
    details = [("finish", str(d.get("finish_reason", "")))]
    if calls:
        details.append(("asks for", ", ".join(str(c) for c in calls)))
    if isinstance(d.get("attempts"), int) and d["attempts"] > 1:
        details.append(("retried", f"{d['attempts']} tries of the call"))
    return title, details, ""


def _tool_call(d: dict[str, Any]) -> tuple[str, list[tuple[str, str]], str]:
    args = _dict(d.get("args"))
    brief = ", ".join(f"{k}={str(v)[:40]!r}" for k, v in sorted(args.items()) if k != "content")
    title = f"tool call: {d.get('tool', '?')}({brief})"
    details = [(k, clip(str(v))) for k, v in sorted(args.items()) if k == "content"]
    details.append(("result", clip(str(d.get("output", "")))))
    return title, details, "" if d.get("ok", True) else "bad"


def _channel(kind: str, d: dict[str, Any]) -> tuple[str, list[tuple[str, str]], str]:
    flag = kind == "interrupt"
    truth = "failed" if d.get("truth_failed") else "passed"
    right = flag == bool(d.get("truth_failed"))
    title = (
        f"{'interrupt' if flag else 'pass'} by {d.get('channel', '?')} (round {d.get('round')})"
        f"; the hidden tests {truth}: {'agrees' if right else 'disagrees'} with hidden truth"
    )
    details = []
    if d.get("feedback"):
        details.append(("feedback", clip(str(d["feedback"]))))
    if d.get("findings"):
        details.append(("findings", clip("\n".join(str(f) for f in d["findings"]))))
    if d.get("hazards"):
        details.append(("hazards", ", ".join(str(h) for h in d["hazards"])))
    details.append(("cost", f"{d.get('cost')} (latency {_num(d.get('latency_s'))} s)"))
    return title, details, "bad" if flag else "ok"


def _verification(d: dict[str, Any]) -> tuple[str, list[tuple[str, str]], str]:
    v = _dict(d.get("verdict"))
    pub, hid = _dict(v.get("public")), _dict(v.get("hidden"))
    ok = bool(v.get("passed"))
    title = (
        f"verification ({d.get('scope', '?')}): gate {'passed' if ok else 'failed'};"
        f" public {pub.get('passed', '?')}/{pub.get('total', '?')},"
        f" hidden {hid.get('passed', '?')}/{hid.get('total', '?')}"
    )
    details = []
    if v.get("reasons"):
        details.append(("reasons", "\n".join(str(r) for r in v["reasons"])))
    if v.get("failure_excerpt"):
        details.append(("failure", clip(str(v["failure_excerpt"]))))
    if v.get("flaky"):
        details.append(("flaky", "the repeats disagreed"))
    return title, details, "ok" if ok else "bad"


def _generic(kind: str, d: dict[str, Any]) -> tuple[str, list[tuple[str, str]], str]:
    brief = ", ".join(f"{k}={v}" for k, v in sorted(d.items()) if isinstance(v, str | int | float))
    tone = ""
    if kind == "attempt_end":
        tone = "ok" if d.get("success") else "bad"
    elif kind in ("retry", "format_error", "attempt_timeout", "escalation_refused"):
        tone = "bad"
    return f"{kind.replace('_', ' ')}: {clip(brief, 300)}", [], tone


def item(event: dict[str, Any]) -> Item:
    """The timeline item of one event object."""
    kind = str(event.get("kind", "?"))
    d: dict[str, Any] = event["data"]
    if kind == "model_call":
        title, details, tone = _model_call(d)
    elif kind == "tool_call":
        title, details, tone = _tool_call(d)
    elif kind in ("interrupt", "channel_pass"):
        title, details, tone = _channel(kind, d)
    elif kind == "verification":
        title, details, tone = _verification(d)
    else:
        title, details, tone = _generic(kind, d)
    seq = event.get("seq")
    t = event.get("t")
    return Item(
        seq if isinstance(seq, int) else 0,
        float(t) if isinstance(t, int | float) else 0.0,
        kind,
        title,
        details,
        tone,
    )


def timeline(path: Path) -> list[Item]:
    """Every complete event of an attempt as a timeline item."""
    return [item(e) for e in read_events(path)]
