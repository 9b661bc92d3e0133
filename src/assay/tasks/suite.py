"""Suites: a bundled suite name or a folder of task folders."""

from __future__ import annotations

from pathlib import Path

from assay.errors import InputError
from assay.tasks.load import Task, load_task, unreadable

BUNDLED_ROOT = Path(__file__).resolve().parent.parent / "suites"


def bundled_suites() -> list[str]:
    """Names of the suites shipped with assay."""
    return sorted(p.name for p in BUNDLED_ROOT.iterdir() if p.is_dir() and p.name[0] not in "._")


def resolve_suite(name_or_dir: str | Path) -> Path:
    """Return the folder of a bundled suite name or an existing folder."""
    path = Path(name_or_dir)
    try:
        if path.is_dir():
            return path
    except OSError as exc:
        raise unreadable(path, exc) from None
    bundled = BUNDLED_ROOT / str(name_or_dir)
    if "/" not in str(name_or_dir) and bundled.is_dir():
        return bundled
    raise InputError.single(
        str(name_or_dir),
        "",
        "neither a folder nor a bundled suite",
        f"give a folder of tasks or one of: {', '.join(bundled_suites())}",
    )


def load_suite(name_or_dir: str | Path) -> list[Task]:
    """Load every task of a suite (or the single task a folder holds), sorted by id.

    Every malformed task is reported, not just the first.
    """
    root = resolve_suite(name_or_dir)
    try:
        if (root / "task.toml").is_file():
            return [load_task(root)]
        dirs = sorted(p for p in root.iterdir() if p.is_dir() and (p / "task.toml").is_file())
    except OSError as exc:
        raise unreadable(root, exc) from None
    if not dirs:
        raise InputError.single(root, "", "holds no task folder", "add folders with a task.toml")
    tasks: list[Task] = []
    errors = InputError()
    for d in dirs:
        try:
            tasks.append(load_task(d))
        except InputError as exc:
            errors.problems.extend(exc.problems)
    if errors.problems:
        raise errors
    ids = [t.id for t in tasks]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError.single(root, "id", f"duplicate task ids {dupes}", "make ids unique")
    return sorted(tasks, key=lambda t: t.id)
