"""The run page's report: the same blocks as ``assay report``, redacted, as HTML and JSON."""

from __future__ import annotations

import base64
import html
from dataclasses import asdict
from typing import Any

from assay.report.document import Block, Bullets, Figure, Heading, Paragraph, Table
from assay.view.loaded import Loaded


def report_blocks(loaded: Loaded, paths: list[str]) -> list[Block]:
    """The report's blocks for one run (claims decided without a look), computed once."""

    def make() -> list[Block]:
        from assay.report.build import blocks, sanitize

        return sanitize(blocks(loaded.analysis()), paths)

    result: list[Block] = loaded.memo("report_blocks", make)
    return result


def blocks_html(items: list[Block]) -> str:
    """The blocks as an HTML fragment (headings one level down: the page has its own h1)."""
    from assay.report.html import inline, table_html

    parts: list[str] = []
    for b in items:
        if isinstance(b, Heading):
            level = min(b.level + 1, 6)
            anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
            parts.append(f"<h{level}{anchor}>{inline(b.text)}</h{level}>")
        elif isinstance(b, Paragraph):
            parts.append(f"<p>{inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            parts.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            parts.append(table_html(b))
        elif isinstance(b, Figure):
            data = base64.b64encode(b.png).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(b.alt)}">'
                f"<figcaption>{inline(b.caption)}</figcaption></figure>"
            )
    return "\n".join(parts)


def blocks_json(items: list[Block]) -> list[dict[str, Any]]:
    """The blocks as plain data; a figure by file name and caption (its PNG is served apart)."""
    out: list[dict[str, Any]] = []
    for b in items:
        if isinstance(b, Figure):
            out.append({"type": "figure", "file": b.file, "alt": b.alt, "caption": b.caption})
        else:
            data = asdict(b)
            if isinstance(b, Table):
                data["numeric"] = sorted(b.numeric)
            out.append({"type": type(b).__name__.lower(), **data})
    return out


def figure(items: list[Block], name: str) -> bytes | None:
    """The PNG of the figure called ``name``, if the report has one."""
    return next((b.png for b in items if isinstance(b, Figure) and b.file == name), None)
