"""The report as a list of blocks, rendered to markdown and to HTML from the same source.

Inline text may use three markdown marks, which both renderers understand: ``code`` in
backticks, **bold** in double asterisks and *italic* in single ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Heading:
    """A section title (level 1 is the report's title)."""

    level: int
    text: str
    anchor: str | None = None


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of inline text."""

    text: str


@dataclass(frozen=True)
class Bullets:
    """An unordered list of inline texts."""

    items: list[str]


@dataclass(frozen=True)
class Table:
    """A table; ``groups`` spans header columns with a group label (e.g. one per run)."""

    headers: list[str]
    rows: list[list[str]]
    groups: list[tuple[str, int]] = field(default_factory=list)
    """(label, number of columns) from the left; labels may be empty for ungrouped columns."""
    numeric: frozenset[int] = frozenset()
    """Indices of columns aligned right."""
    css_class: str = ""


@dataclass(frozen=True)
class Figure:
    """A PNG image stored beside the report and embedded in the HTML."""

    file: str
    """File name, relative to the report folder."""
    png: bytes
    alt: str
    caption: str


Block = Heading | Paragraph | Bullets | Table | Figure
