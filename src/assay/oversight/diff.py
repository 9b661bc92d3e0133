"""The agent's change: its workspace against the task's pristine ``workspace/``, as a diff.

Both trees are read without following symbolic links (a link is shown as its target, never
read through), caches and bytecode are ignored, binary and oversized files are summarised
by size and sha256, paths are workspace-relative and the order is the path order, so the
same change always gives the same text.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

from assay.agents.workspace import MEMORY_FILE
from assay.oversight.protocol import Inspection
from assay.tasks.globs import matches_any
from assay.tasks.load import TEST_FILE_GLOBS, Task

IGNORED_DIRS = frozenset({"__pycache__", ".pytest_cache", ".ruff_cache", ".mypy_cache", ".git"})
"""Folders that tools write as a side effect; ``.git`` is skipped by the gate as well."""
IGNORED_SUFFIXES = (".pyc", ".pyo")
TEXT_LIMIT = 256 * 1024
"""Files larger than this many bytes are summarised, not diffed."""
_CHUNK = 1 << 16
NOTES_MARK = f"# {MEMORY_FILE} holds the agent's own notes (memory between passes), not code."

Kind = Literal["file", "symlink", "other"]
Status = Literal["added", "modified", "deleted"]


@dataclass(frozen=True)
class Entry:
    """One path on one side of the comparison, read without following links."""

    kind: Kind
    size: int
    sha256: str
    head: bytes
    """The first ``TEXT_LIMIT + 1`` bytes of a file, the target of a link, empty otherwise."""

    @property
    def text(self) -> str | None:
        """The content as text; ``None`` for binary, oversized, unreadable or special files."""
        if self.kind == "symlink":
            return f"symlink -> {self.head.decode('utf-8', 'replace')}\n"
        if self.kind != "file" or self.size > TEXT_LIMIT or b"\0" in self.head:
            return None
        try:
            return self.head.decode("utf-8")
        except UnicodeDecodeError:
            return None


@dataclass(frozen=True)
class FileChange:
    """One path the agent added, modified or deleted."""

    path: str
    old: Entry | None
    new: Entry | None

    @property
    def status(self) -> Status:
        """Whether the path was added, modified or deleted."""
        if self.old is None:
            return "added"
        return "deleted" if self.new is None else "modified"


def _digest(path: Path) -> tuple[int, str, bytes]:
    digest = hashlib.sha256()
    size = 0
    head = b""
    # O_NOFOLLOW: a file swapped for a link between listing and reading is not followed.
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            if len(head) <= TEXT_LIMIT:
                head += chunk[: TEXT_LIMIT + 1 - len(head)]
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest(), head


def _entry(path: Path) -> Entry | None:
    """Read one path without following a link; ``None`` when nothing is there."""
    try:
        info = path.lstat()
    except OSError:
        return None
    if stat.S_ISLNK(info.st_mode):
        target = os.readlink(path).encode("utf-8", "surrogateescape")
        return Entry("symlink", len(target), hashlib.sha256(target).hexdigest(), target)
    if not stat.S_ISREG(info.st_mode):
        # FIFOs, sockets and devices are never opened: reading a FIFO would block.
        return Entry("other", 0, "", b"")
    try:
        size, sha, head = _digest(path)
    except OSError:
        return Entry("other", info.st_size, "", b"")
    return Entry("file", size, sha, head)


def _safe_relpath(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    return bool(parts) and not PurePosixPath(rel).is_absolute() and ".." not in parts


def read_entry(root: Path, rel: str) -> Entry | None:
    """Read ``root/rel`` for a channel, refusing paths that leave ``root`` or pass a link.

    A link to a folder could otherwise lead a channel to read files outside the workspace.
    """
    if not _safe_relpath(rel):
        return None
    current = root
    for part in PurePosixPath(rel).parts[:-1]:
        current = current / part
        if current.is_symlink() or not current.is_dir():
            return None
    return _entry(root / rel)


def _ignored(name: str) -> bool:
    return name in IGNORED_DIRS or name.endswith(IGNORED_SUFFIXES)


def snapshot(root: Path) -> dict[str, Entry]:
    """Map every workspace-relative path under ``root`` to its entry (links not followed)."""
    out: dict[str, Entry] = {}
    if not root.is_dir():
        return out
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        base = Path(dirpath)
        # os.walk lists links to folders among the folders; record them, never descend.
        names = [d for d in dirnames if (base / d).is_symlink()] + filenames
        dirnames[:] = sorted(d for d in dirnames if not _ignored(d) and d not in names)
        for name in names:
            if _ignored(name):
                continue
            entry = _entry(base / name)
            if entry is not None:
                out[(base / name).relative_to(root).as_posix()] = entry
    return out


def workspace_changes(task: Task, workspace: str | Path) -> list[FileChange]:
    """Every path added, modified or deleted in ``workspace``, in path order."""
    before, after = snapshot(task.workspace), snapshot(Path(workspace))
    changes = []
    for rel in sorted(before.keys() | after.keys()):
        old, new = before.get(rel), after.get(rel)
        if (
            old is None
            or new is None
            or (old.kind, old.size, old.sha256)
            != (
                new.kind,
                new.size,
                new.sha256,
            )
        ):
            changes.append(FileChange(rel, old, new))
    return changes


def _summary(entry: Entry | None) -> str:
    if entry is None:
        return "absent"
    if entry.kind == "other":
        return "not a regular file, or unreadable"
    what = "binary" if entry.size <= TEXT_LIMIT else "large"
    return f"{what}, {entry.size} bytes, sha256 {entry.sha256[:16]}"


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def render_change(change: FileChange) -> str:
    """Render one change as a git-style unified diff section."""
    rel = change.path
    head = [f"diff --git a/{rel} b/{rel}\n"]
    if rel == MEMORY_FILE:
        head.append(NOTES_MARK + "\n")
    if change.status != "modified":
        head.append(f"{'new' if change.status == 'added' else 'deleted'} file\n")
    old_text = "" if change.old is None else change.old.text
    new_text = "" if change.new is None else change.new.text
    if old_text is None or new_text is None:
        head.append(
            f"Files a/{rel} and b/{rel} differ "
            f"(old: {_summary(change.old)}; new: {_summary(change.new)})\n"
        )
        return "".join(head)
    body = list(
        difflib.unified_diff(
            _lines(old_text),
            _lines(new_text),
            fromfile="/dev/null" if change.old is None else f"a/{rel}",
            tofile="/dev/null" if change.new is None else f"b/{rel}",
        )
    )
    if not body:
        head.append("(empty file)\n")
    for line in body:
        head.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(head)


def workspace_diff(task: Task, workspace: str | Path) -> tuple[str, tuple[str, ...]]:
    """Return the unified diff of the agent's change and the paths it changed."""
    changes = workspace_changes(task, workspace)
    return "".join(render_change(c) for c in changes), tuple(c.path for c in changes)


def inspection_for(task: Task, workspace: str | Path, round: int = 0) -> Inspection:
    """Build what the channels inspect after a round of the agent in ``workspace``."""
    diff, changed = workspace_diff(task, workspace)
    return Inspection(
        task=task, workspace=Path(workspace), diff=diff, changed_files=changed, round=round
    )


def added_lines(old: str, new: str) -> list[tuple[int, str]]:
    """Lines of ``new`` not carried over from ``old``, with their 1-based line numbers."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    out: list[tuple[int, str]] = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            out.extend((j + 1, new_lines[j]) for j in range(j1, j2))
    return out


def is_test_file(rel: str) -> bool:
    """Whether a workspace-relative path is a pytest test module or a ``conftest.py``."""
    return rel.rsplit("/", 1)[-1] == "conftest.py" or matches_any(rel, TEST_FILE_GLOBS)


def changed_code(inspection: Inspection) -> list[tuple[str, str | None, str]]:
    """``(path, old text, new text)`` of each changed non-test Python file the agent kept.

    Files that are deleted, binary, links or unreadable are left out: there is no code to
    read in them.
    """
    out = []
    for rel in inspection.changed_files:
        if not rel.endswith(".py") or is_test_file(rel):
            continue
        new = read_entry(inspection.workspace, rel)
        if new is None or new.kind != "file" or new.text is None:
            continue
        old = read_entry(inspection.task.workspace, rel)
        out.append((rel, None if old is None else old.text, new.text))
    return out
