"""Render report blocks as GitHub-flavoured markdown."""

from __future__ import annotations

from collections.abc import Sequence

from assay.report.document import Block, Bullets, Figure, Heading, Paragraph, Table


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _headers(table: Table) -> list[str]:
    """Column headers, prefixed with their group's label (markdown has no column spans)."""
    labels: list[str] = []
    for label, span in table.groups:
        labels += [label] * span
    labels += [""] * (len(table.headers) - len(labels))
    return [f"{g} · {h}" if g else h for g, h in zip(labels, table.headers, strict=True)]


def table_markdown(table: Table) -> str:
    """One markdown table."""
    heads = _headers(table)
    align = ["---:" if i in table.numeric else "---" for i in range(len(heads))]
    lines = ["| " + " | ".join(_cell(h) for h in heads) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines)


def render_markdown(blocks: Sequence[Block]) -> str:
    """The whole report as markdown (figures link to their PNG files beside it)."""
    parts: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            parts.append("#" * b.level + " " + b.text)
        elif isinstance(b, Paragraph):
            parts.append(b.text)
        elif isinstance(b, Bullets):
            parts.append("\n".join(f"- {item}" for item in b.items))
        elif isinstance(b, Table):
            parts.append(table_markdown(b))
        elif isinstance(b, Figure):
            parts.append(f"![{b.alt}]({b.file})\n\n*{b.caption}*")
    return "\n\n".join(parts) + "\n"
