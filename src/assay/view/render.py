"""HTML pages from the site's data through Jinja2 templates (autoescaped)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.view.attempt import highlight
from assay.view.links import Links
from assay.view.report_blocks import blocks_html

if TYPE_CHECKING:
    import jinja2

POLL_MS = 1000
"""How often the live page asks for progress."""


@cache
def _env() -> jinja2.Environment:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
    )


def page(name: str, links: Links, title: str, **ctx: Any) -> str:
    """Render template ``name``."""
    ctx.setdefault("extra_css", "")
    return _env().get_template(name).render(links=links, title=title, **ctx)


def runs_page(data: dict[str, Any], links: Links) -> str:
    """The runs page."""
    return page("runs.html", links, "runs", data=data)


def run_page(data: dict[str, Any], report: list[Any], links: Links) -> str:
    """A run's page (its report blocks rendered below the attempt list)."""
    return page(
        "run.html", links, data["summary"]["id"], data=data, report_html=blocks_html(report)
    )


def attempt_page(data: dict[str, Any], links: Links) -> str:
    """An attempt's page, its diff highlighted."""
    diff_html, css = highlight(data["diff"]) if data["diff"] else ("", "")
    title = data["record"]["attempt_id"]
    return page("attempt.html", links, title, data=data, diff_html=diff_html, extra_css=css)


def compare_page(data: dict[str, Any], links: Links) -> str:
    """The compare page."""
    return page("compare.html", links, "compare", data=data)


def live_page(data: dict[str, Any], links: Links, api: str) -> str:
    """A run's live page; it polls ``api`` for progress (not in an export)."""
    return page("live.html", links, f"live {data['id']}", data=data, api=api, poll_ms=POLL_MS)
