r"""An attempt's final files, rebuilt from its recorded diff over the task's pristine workspace.

A run keeps no workspace, only ``diffs/<attempt>.patch``: the git-style unified diff that
``oversight/diff.py`` renders (difflib hunks, ``new file``/``deleted file`` marks, a
``Files ... differ`` line for binary or oversized files, ``\ No newline at end of file``).
This module reads that format back and applies it, checking every context and removed line
against the pristine file, so a diff that does not fit the task is an error, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")
NO_NEWLINE = "\\ No newline at end of file"


class PatchError(Exception):
    """The diff cannot be read or does not apply to the pristine file."""


@dataclass(frozen=True)
class FilePatch:
    """One file's section of the diff."""

    path: str
    status: str
    """``added``, ``modified``, ``deleted`` or ``opaque`` (binary or oversized: no text)."""
    lines: tuple[str, ...]
    """The hunk lines (headers and hunks), each without its newline."""


def split_sections(diff: str) -> list[FilePatch]:
    """The diff's file sections, in order."""
    out: list[FilePatch] = []
    path: str | None = None
    status = "modified"
    body: list[str] = []

    def close() -> None:
        if path is not None:
            out.append(FilePatch(path, status, tuple(body)))

    for line in diff.split("\n"):
        if line.startswith("diff --git a/"):
            close()
            rest = line[len("diff --git a/") :]
            size = (len(rest) - 3) // 2  # "X b/X": both halves name the same path
            path, status, body = rest[:size], "modified", []
            if rest[size:] != f" b/{path}":
                raise PatchError(f"unreadable section header: {line[:200]!r}")
        elif path is None:
            if line:
                raise PatchError(f"text before the first section: {line[:200]!r}")
        elif line == "new file" and not body:
            status = "added"
        elif line == "deleted file" and not body:
            status = "deleted"
        elif line.startswith(f"Files a/{path} and b/{path} differ"):
            status = "opaque"
        else:
            body.append(line)
    close()
    return out


def _hunks(lines: tuple[str, ...]) -> list[tuple[int, list[str]]]:
    """(0-based index of the hunk's first old line, hunk lines) per hunk."""
    out: list[tuple[int, list[str]]] = []
    for line in lines:
        match = _HUNK.match(line)
        if match:
            start = int(match[1])
            # An empty old range names the line it follows (difflib, like diff -u).
            empty = match[2] is not None and int(match[2]) == 0
            out.append((start if empty else start - 1, []))
        elif out and (line[:1] in (" ", "-", "+") or line == NO_NEWLINE):
            out[-1][1].append(line)
    return out


def apply_section(old: str | None, section: FilePatch) -> str | None:
    """The file's new text; None when deleted (``opaque`` sections raise: no text to show)."""
    if section.status == "deleted":
        return None
    if section.status == "opaque":
        raise PatchError(f"{section.path}: binary or oversized, no text to rebuild")
    source = (old or "").splitlines(keepends=True)
    result: list[str] = []
    pos = 0
    for first, lines in _hunks(section.lines):
        if first < pos or first > len(source):
            raise PatchError(f"{section.path}: hunk at line {first + 1} does not fit")
        result.extend(source[pos:first])
        pos = first
        last = ""
        for line in lines:
            if line == NO_NEWLINE:
                # It marks the line before it; only an added line's text is ours to cut.
                if last == "+" and result and result[-1].endswith("\n"):
                    result[-1] = result[-1][:-1]
                continue
            tag, text = line[0], line[1:] + "\n"
            last = tag
            if tag in (" ", "-"):
                have = source[pos] if pos < len(source) else None
                if have is None or have.rstrip("\n") != text.rstrip("\n"):
                    raise PatchError(f"{section.path}: line {pos + 1} differs from the diff")
                pos += 1
            if tag in (" ", "+"):
                result.append(text if tag == "+" else source[pos - 1])
    result.extend(source[pos:])
    return "".join(result)


def final_files(pristine: Path, diff: str) -> dict[str, str | None]:
    """Path → final text (None: deleted) of every path the diff changes, over ``pristine``.

    Raises :class:`PatchError` when the diff does not apply to the pristine workspace.
    """
    out: dict[str, str | None] = {}
    for section in split_sections(diff):
        if section.status == "opaque":
            out[section.path] = None
            continue
        old_path = pristine / section.path
        old = None
        if section.status != "added" and old_path.is_file():
            old = old_path.read_text(encoding="utf-8", errors="replace")
        out[section.path] = apply_section(old, section)
    return out
