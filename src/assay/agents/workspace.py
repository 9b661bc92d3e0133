"""The agent's view of its workspace: confined paths, protected files, clipped output."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

MEMORY_FILE = "PROGRESS.md"
OUTPUT_LIMIT = 16 * 1024
READ_LIMIT = 256 * 1024


class ToolError(Exception):
    """A tool call that cannot be carried out; its message goes back to the model."""


def clip_output(text: str, limit: int = OUTPUT_LIMIT) -> str:
    """Keep the head and the tail of long tool output around a marker."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return f"{text[:half]}\n[... {len(text) - 2 * half} characters clipped ...]\n{text[-half:]}"


class Workspace:
    """A folder the agent may read and write, with some paths protected."""

    def __init__(self, root: Path, is_protected: Callable[[str], bool]) -> None:
        self.root = root.resolve()
        self._is_protected = is_protected

    def resolve(self, path: str, *, for_write: bool = False) -> tuple[Path, str]:
        """Return the real path and the workspace-relative path, or raise ToolError.

        Symlinks are resolved before the confinement check, so a link cannot lead out.
        """
        if not isinstance(path, str) or not path.strip() or "\0" in path:
            raise ToolError("path must be a non-empty string")
        real = (self.root / path).resolve()
        if real != self.root and not real.is_relative_to(self.root):
            raise ToolError(f"{path}: outside the workspace")
        rel = real.relative_to(self.root).as_posix() if real != self.root else "."
        if for_write and rel != "." and self._is_protected(rel):
            raise ToolError(f"{rel}: protected (tests and protected files cannot be changed)")
        return real, rel

    def fingerprint(self) -> str:
        """sha256 over files in lexical order, the memory file excluded (stagnation guard)."""
        digest = hashlib.sha256()
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if d not in {"__pycache__", ".pytest_cache"})
            for name in sorted(filenames):
                full = Path(dirpath) / name
                rel = full.relative_to(self.root).as_posix()
                if rel == MEMORY_FILE or full.is_symlink() or name.endswith(".pyc"):
                    continue
                digest.update(rel.encode() + b"\0" + full.read_bytes() + b"\0")
        return digest.hexdigest()
