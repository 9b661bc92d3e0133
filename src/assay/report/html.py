"""Render report blocks as one self-contained HTML file.

No external resource of any kind: the style sheet is inline, every image is a base64
``data:`` URI, and there is no script, font, or link to fetch.
"""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Sequence

from assay.report.document import Block, Bullets, Figure, Heading, Paragraph, Table

_STYLE = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24;
       max-width: 1180px; margin: 2em auto; padding: 0 1.2em; }
h1 { border-bottom: 2px solid #d0d7de; padding-bottom: .3em; }
h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; margin: 1em 0; font-size: 13px; display: block;
        overflow-x: auto; }
th, td { border: 1px solid #d0d7de; padding: 4px 8px; vertical-align: top; }
th { background: #f6f8fa; }
th.group { background: #eaeef2; text-align: center; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr:nth-child(even) td { background: #fbfcfd; }
td code { white-space: nowrap; }
code { background: #eff1f3; padding: 0 .25em; border-radius: 3px; font-size: 90%; }
figure { margin: 1.5em 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #d0d7de; }
figcaption { color: #57606a; font-size: 13px; }
.verdict-supported { color: #1a7f37; font-weight: 600; }
.verdict-fail_closed { color: #cf222e; font-weight: 600; }
"""

_CODE = re.compile(r"`([^`]+)`")
_BOLD = re.compile(r"\*\*([^*]+)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*([^*\s][^*]*?)\*(?![*\w])")


def inline(text: str) -> str:
    """Escape text and turn its `code`, **bold** and *italic* marks into HTML."""
    out = html.escape(text, quote=False)
    out = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", out)
    out = _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", out)
    return _ITALIC.sub(lambda m: f"<em>{m.group(1)}</em>", out)


def _cell(text: str, numeric: bool) -> str:
    cls = ' class="num"' if numeric else ""
    content = inline(text)
    for verdict in ("supported", "fail_closed"):
        if text == verdict:
            content = f'<span class="verdict-{verdict}">{content}</span>'
    return f"<td{cls}>{content}</td>"


def table_html(t: Table) -> str:
    """One HTML table, with a row of column groups when it has any."""
    head = []
    if t.groups:
        cells = []
        covered = 0
        for label, span in t.groups:
            cells.append(f'<th class="group" colspan="{span}">{inline(label)}</th>')
            covered += span
        cells += ['<th class="group"></th>'] * (len(t.headers) - covered)
        head.append("<tr>" + "".join(cells) + "</tr>")
    head.append("<tr>" + "".join(f"<th>{inline(h)}</th>" for h in t.headers) + "</tr>")
    body = [
        "<tr>" + "".join(_cell(c, i in t.numeric) for i, c in enumerate(row)) + "</tr>"
        for row in t.rows
    ]
    cls = f' class="{html.escape(t.css_class)}"' if t.css_class else ""
    return (
        f"<table{cls}><thead>"
        + "".join(head)
        + "</thead><tbody>"
        + "\n".join(body)
        + "</tbody></table>"
    )


def _figure(f: Figure) -> str:
    data = base64.b64encode(f.png).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(f.alt)}">'
        f"<figcaption>{inline(f.caption)}</figcaption></figure>"
    )


def render_html(blocks: Sequence[Block], title: str) -> str:
    """The whole report as one HTML document with nothing to fetch."""
    parts: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            anchor = f' id="{html.escape(b.anchor)}"' if b.anchor else ""
            parts.append(f"<h{b.level}{anchor}>{inline(b.text)}</h{b.level}>")
        elif isinstance(b, Paragraph):
            parts.append(f"<p>{inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            parts.append("<ul>" + "".join(f"<li>{inline(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            parts.append(table_html(b))
        elif isinstance(b, Figure):
            parts.append(_figure(b))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\';'
        " img-src data:; style-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        + "\n".join(parts)
        + "\n</body></html>\n"
    )
