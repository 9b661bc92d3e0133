"""Make a run directory (or a report folder assay wrote) fit to publish.

Only assay's own folders are accepted — a run directory (``manifest.sha256`` and
``attempts.jsonl``) or a report folder (``report.md`` and ``report.html``) — and only
assay's own records in them are rewritten (:data:`RUN_RECORDS`, :data:`REPORT_RECORDS`).
Three steps: remove caches (``__pycache__``, ``*.pyc``, tool caches, ``.DS_Store``);
rewrite absolute paths into the folder into relative ones and paths under the user's home
into ``~/...``; then scan everything for secrets and leaked paths. Any other file (a script
kept beside the run, an agent's diff) is scanned, never rewritten: a path in it is the
user's to fix, and rewriting it could break it. The pre-registered manifest
(``manifest.json``, ``manifest.sha256``, ``manifest.toml``) is never rewritten — editing it
would break its hash and close every claim with ``manifest_changed``.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Final

from assay.errors import InputError
from assay.release.secrets import PATH_START, Finding, iter_files, scan_tree

CACHE_DIRS: Final = frozenset(
    {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".ipynb_checkpoints"}
)
CACHE_FILES: Final = frozenset({".DS_Store", "Thumbs.db"})
CACHE_SUFFIXES: Final = frozenset({".pyc", ".pyo"})
FROZEN: Final = frozenset({"manifest.json", "manifest.sha256", "manifest.toml"})
"""Files at the top of a run directory that are never rewritten (they are hashed)."""
LOCK_FILE: Final = ".lock"
"""The run directory's writer lock; its holder's command line names paths."""
RUN_RECORDS: Final = (
    LOCK_FILE,
    "attempts.jsonl",
    "judgments.jsonl",
    "environment.json",
    "summary.csv",
    "events/*.jsonl",
    "finals/*.json",
    "claims/*.jsonl",
    "inputs/*",
    "report/*.md",
    "report/*.html",
)
"""What assay writes in a run directory and may rewrite (globs relative to the run)."""
REPORT_RECORDS: Final = ("*.md", "*.html")
"""What assay writes in a report folder."""


@dataclass
class CleanReport:
    """What a clean did (or, in a dry run, would do) and what the scan found afterwards."""

    removed: list[str] = field(default_factory=list)
    """Cache files and folders removed, relative to the root."""
    rewritten: dict[str, int] = field(default_factory=dict)
    """File → number of absolute paths rewritten in it."""
    skipped: list[str] = field(default_factory=list)
    """Files holding such paths that are not assay's records: reported, never rewritten."""
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


def folder_kind(root: Path) -> str | None:
    """``run`` or ``report`` for a folder assay wrote, else None."""
    if (root / "manifest.sha256").is_file() and (root / "attempts.jsonl").exists():
        return "run"
    if (root / "report.md").is_file() and (root / "report.html").is_file():
        return "report"
    return None


def _is_record(rel: PurePosixPath, kind: str) -> bool:
    """Whether a file is one of assay's records in a folder of ``kind``."""
    globs = RUN_RECORDS if kind == "run" else REPORT_RECORDS
    # PurePath.match anchors at the right only: the part counts must agree too.
    return any(len(rel.parts) == len(PurePosixPath(g).parts) and rel.match(g) for g in globs)


def _not_in_use(root: Path) -> None:
    """Refuse a run directory whose writer lock is held: its records are still changing."""
    lock = root / LOCK_FILE
    if not lock.is_file():
        return
    with lock.open("rb") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError.single(
                root,
                "",
                "the run directory is in use (an assay command holds its lock)",
                "let the run finish or stop it, then clean",
            ) from None


def clean_tree(root: Path, *, dry_run: bool = False) -> CleanReport:
    """Remove caches, rewrite paths in assay's records, then scan ``root``.

    ``root`` must be a run directory or a report folder (:func:`folder_kind`), else
    :class:`InputError`. A dry run changes nothing and reports what it would do.
    """
    kind = folder_kind(root)
    if kind is None:
        raise InputError.single(
            root,
            "",
            "not a run directory (manifest.sha256 and attempts.jsonl) nor a report folder"
            " (report.md and report.html)",
            "pass a folder written by `assay run` or `assay report`; to check any other"
            " folder without changing it, use `assay release scan`",
        )
    if kind == "run" and not dry_run:
        _not_in_use(root)
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
        rel = PurePosixPath(file.relative_to(root).as_posix())
        if str(rel) in FROZEN:
            continue
        text = _text(file)
        if text is None:
            continue
        new, count = _rewrite(text, pairs)
        if not count:
            continue
        if not _is_record(rel, kind):
            report.skipped.append(str(rel))
            continue
        report.rewritten[str(rel)] = count
        if not dry_run:
            _write_atomic(file, new)
    report.findings = scan_tree(root)  # a dry run scans the folder as it is now
    return report
