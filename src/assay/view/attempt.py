"""The attempt page's data: record, timeline, highlighted diff, channels against the truth."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from assay.records.attempt import AttemptRecord
from assay.records.final import final_file
from assay.results.scoring import channel_score, hazard_score
from assay.view.loaded import Loaded
from assay.view.roots import Roots
from assay.view.timeline import clip, timeline

DIFF_LIMIT = 200_000
"""Characters of a diff highlighted on the page (a larger one is clipped; the raw file stays)."""


def find(loaded: Loaded, attempt_id: str) -> AttemptRecord | None:
    """The authoritative record of ``attempt_id`` in the run, if any."""
    index: dict[str, AttemptRecord] = loaded.memo(
        "by_id", lambda: {r.attempt_id: r for r in loaded.data.records}
    )
    return index.get(attempt_id)


def highlight(diff: str) -> tuple[str, str]:
    """The diff as highlighted HTML, and the style sheet it needs (pygments)."""
    from pygments import highlight as render
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import DiffLexer

    formatter = HtmlFormatter(cssclass="diff")
    return render(diff, DiffLexer(), formatter), formatter.get_style_defs(".diff")


def attempt_data(roots: Roots, loaded: Loaded, r: AttemptRecord) -> dict[str, Any]:
    """Everything the attempt page shows, as plain data (the diff as text, not HTML)."""
    root = loaded.data.root
    events = roots.raw_file(root, r.events)
    diff_path = roots.raw_file(root, r.diff)
    diff = diff_path.read_text(encoding="utf-8", errors="replace") if diff_path else ""
    final_rel = final_file(r.attempt_id, r.try_)
    raw = [
        {"label": label, "path": rel}
        for label, rel in (("events", r.events), ("diff", r.diff), ("final", final_rel))
        if roots.raw_file(root, rel) is not None
    ]
    return {
        "record": r.model_dump(mode="json", by_alias=True),
        "timeline": [asdict(i) for i in (timeline(events) if events else [])],
        "diff": clip(diff, DIFF_LIMIT),
        "channels": [
            {
                "round": c.round,
                "channel": c.channel,
                "flag": c.flag,
                "truth_failed": c.truth_failed,
                "score": channel_score(c),
                "hazards": c.hazards,
                "hazard_score": hazard_score(c),
                "feedback": clip("\n".join(c.findings), 600),
                "cost": c.cost,
            }
            for c in r.channels
        ],
        "raw": raw,
    }
