"""Make a run directory (or any artifact folder) fit to publish.

Three steps: remove caches (``__pycache__``, ``*.pyc``, tool caches, ``.DS_Store``);
rewrite absolute paths into the folder into relative ones and paths under the user's home
into ``~/...``; then scan for secrets and leaked paths. The pre-registered manifest
(``manifest.json``, ``manifest.sha256``, ``manifest.toml``) is never rewritten — editing it
would break its hash and close every claim with ``manifest_changed`` — so a path left in it
stays a finding for the user to fix at the source.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from assay.release.secrets import PATH_START, Finding, iter_files, scan_tree

CACHE_DIRS: Final = frozenset(
    {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".ipynb_checkpoints"}
)
CACHE_FILES: Final = frozenset({".DS_Store", "Thumbs.db"})
CACHE_SUFFIXES: Final = frozenset({".pyc", ".pyo"})
FROZEN: Final = frozenset({"manifest.json", "manifest.sha256", "manifest.toml"})
"""Files at the top of a run directory that are never rewritten (they are hashed)."""


@dataclass
class CleanReport:
    """What a clean did (or, in a dry run, would do) and what the scan found afterwards."""

    removed: list[str] = field(default_factory=list)
    """Cache files and folders removed, relative to the root."""
    rewritten: dict[str, int] = field(default_factory=dict)
    """File → number of absolute paths rewritten in it."""
    findings: list[Finding] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No finding is left."""
        return not self.findings


def _caches(root: Path) -> list[Path]:
    out: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        for d in sorted(dirnames):
            if d in CACHE_DIRS:
                out.append(here / d)
        dirnames[:] = [d for d in dirnames if d not in CACHE_DIRS]
        out += [
            here / f
            for f in sorted(filenames)
            if f in CACHE_FILES or Path(f).suffix in CACHE_SUFFIXES
        ]
    return out


def _replacements(root: Path) -> list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]:
    """Patterns of absolute paths to rewrite, the longest prefix first.

    A path into the folder becomes relative to it (the folder itself becomes ``.``); a path
    under the home folder becomes ``~/...``. The home folder on its own (``/root`` in a list
    of masked paths) names no file of the user's and is left alone.
    """
    out: list[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]]] = []
    for base in {str(root.absolute()), str(root.resolve())}:
        pat = re.compile(PATH_START + re.escape(base) + r"(?:(/)|(?=[\"'\s,;:)\]}>]|$))")
        out.append((base, pat, lambda m: "" if m.group(1) else "."))
    home = str(Path.home())
    if len(home) > 1:
        out.append((home, re.compile(PATH_START + re.escape(home) + "/"), lambda m: "~/"))
    out.sort(key=lambda item: len(item[0]), reverse=True)
    return [(pat, repl) for _, pat, repl in out]


def _text(file: Path) -> str | None:
    data = file.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _rewrite(
    text: str, pairs: list[tuple[re.Pattern[str], Callable[[re.Match[str]], str]]]
) -> tuple[str, int]:
    count = 0
    for pat, repl in pairs:
        text, hits = pat.subn(repl, text)
        count += hits
    return text, count


def _write_atomic(file: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        shutil.copymode(file, tmp)
        os.replace(tmp, file)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def clean_tree(root: Path, *, dry_run: bool = False) -> CleanReport:
    """Remove caches, rewrite absolute paths, then scan ``root``; change nothing if ``dry_run``."""
    report = CleanReport()
    for cache in _caches(root):
        report.removed.append(cache.relative_to(root).as_posix())
        if not dry_run:
            if cache.is_dir() and not cache.is_symlink():
                shutil.rmtree(cache)
            else:
                cache.unlink()
    pairs = _replacements(root)
    for file in iter_files(root):
        rel = file.relative_to(root)
        if rel.as_posix() in FROZEN:
            continue
        text = _text(file)
        if text is None:
            continue
        new, count = _rewrite(text, pairs)
        if count:
            report.rewritten[rel.as_posix()] = count
            if not dry_run:
                _write_atomic(file, new)
    report.findings = scan_tree(root)  # a dry run scans the folder as it is now
    return report
