"""A run directory read for reporting: manifest, attempts, environment and integrity checks.

Everything a report, a claim evaluation or a query needs comes from here, so that all of
them are regenerated from the run directory alone. Integrity is checked, never assumed:
``manifest.json`` must still hash to ``manifest.sha256`` and every attempt's events and
diff must exist inside the run directory. Loading changes nothing on disk: a last line cut
by a crash is left for the writer to repair, and ignored here.

The planned attempts are the manifest's arms over the tasks recorded when the run started
(``tasks.json``), not over the tasks that happen to have records: a run killed before any
attempt of a task finished is still unfinished.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay.records.attempt import AttemptRecord
from assay.records.manifest import Manifest
from assay.records.tasks import TaskList
from assay.store.rundir import RunDir

Coordinates = tuple[str, str, str, int]
"""(task, agent, condition, seed): where an attempt sits in the experiment's design."""


@dataclass(frozen=True)
class RunData:
    """One run directory, loaded and checked."""

    label: str
    """A short name for tables (the folder's name, made unique across a report)."""
    root: Path
    manifest: Manifest
    recorded_digest: str
    """The hash in ``manifest.sha256``: what the run was started with."""
    actual_digest: str
    """The hash of ``manifest.json`` as it is now."""
    environment: dict[str, Any]
    records: list[AttemptRecord]
    """The authoritative record per attempt id (the last line wins), sorted by id."""
    missing_artifacts: dict[str, list[str]]
    """Attempt id → its events or diff paths that are missing (or point outside the run)."""
    planned_tasks: tuple[str, ...] | None = None
    """The task ids recorded at start (``tasks.json``); None for a run from before it."""
    task_list: TaskList | None = None
    """``tasks.json`` itself: suites, task folders, and (since claims filter on them) each
    task's suite and tags."""

    @property
    def manifest_intact(self) -> bool:
        """``manifest.json`` still hashes to the recorded digest."""
        return self.recorded_digest == self.actual_digest

    @property
    def isolation(self) -> str:
        """The isolation level the gate ran under (``bwrap``, ``process``, or ``unknown``)."""
        iso = self.environment.get("isolation")
        levels = {r.verdict.isolation for r in self.records if r.verdict is not None}
        if isinstance(iso, dict) and isinstance(iso.get("level"), str):
            levels.add(iso["level"])
        if not levels:
            return "unknown"
        return "bwrap" if levels == {"bwrap"} else ",".join(sorted(levels - {"bwrap"}))

    def planned(self) -> set[Coordinates]:
        """Every attempt the manifest plans over the tasks recorded at start.

        A run from before ``tasks.json`` falls back to the tasks the manifest names and the
        tasks seen in its records (which cannot see a task never reached).
        """
        if self.planned_tasks is not None:
            tasks = set(self.planned_tasks)
        else:
            tasks = set(self.manifest.tasks) | {r.task_id for r in self.records}
        return {
            (t, a.id, c.id, s)
            for t in tasks
            for a in self.manifest.agents
            for c in self.manifest.conditions
            for s in range(1, self.manifest.seeds + 1)
        }

    def missing_attempts(self) -> set[Coordinates]:
        """Planned attempts without a finished record: none yet, or only an interrupted one."""
        seen = {
            (r.task_id, r.agent_id, r.condition, r.seed)
            for r in self.records
            if r.outcome != "interrupted"
        }
        return self.planned() - seen

    def infrastructure_faults(self) -> list[AttemptRecord]:
        """Attempts whose last try ended in an infrastructure fault (``--retry-faults``)."""
        return [r for r in self.records if r.fault_class == "infrastructure"]

    def progress_note(self) -> str | None:
        """``unfinished: N of M planned attempts recorded (...)``, or None when finished."""
        planned = len(self.planned())
        missing = len(self.missing_attempts())
        if not missing:
            return None
        return (
            f"unfinished: {planned - missing} of {planned} planned attempts recorded"
            " (resume it with `assay run --resume RUN_DIR`)"
        )

    def faults_note(self) -> str | None:
        """How many attempts ended in infrastructure faults and how to retry them, or None."""
        faults = self.infrastructure_faults()
        if not faults:
            return None
        return (
            f"{len(faults)} attempt(s) ended in an infrastructure fault (harness, disk or"
            " endpoint unavailable): retry them with `assay run --resume RUN_DIR --retry-faults`"
        )

    def task_suites(self) -> dict[str, str]:
        """Task id → the suite it came from (as the manifest names it), where known.

        Runs started before ``tasks.json`` recorded each task's suite are read by folder:
        the suite whose folder holds the task's folder.
        """
        if self.task_list is None:
            if len(self.manifest.suites) == 1:
                return dict.fromkeys(self.task_ids, self.manifest.suites[0])
            return {}
        out: dict[str, str] = {}
        for t in self.task_list.tasks:
            home = t.suite or next(
                (s.given for s in self.task_list.suites if Path(t.folder).is_relative_to(s.folder)),
                None,
            )
            if home is not None:
                out[t.id] = home
        return out

    def task_tags(self) -> dict[str, tuple[str, ...]]:
        """Task id → its tags, for runs whose ``tasks.json`` records them."""
        if self.task_list is None:
            return {}
        return {t.id: t.tags for t in self.task_list.tasks if t.tags is not None}

    def planned_suites(self) -> list[str]:
        """The suites of the run, as the manifest names them."""
        if self.task_list is not None:
            return [s.given for s in self.task_list.suites]
        return list(self.manifest.suites)

    @property
    def task_ids(self) -> list[str]:
        """The tasks that have at least one attempt."""
        return sorted({r.task_id for r in self.records})


def _inside(root: Path, rel: str) -> bool:
    if not rel or Path(rel).is_absolute():
        return False
    target = (root / rel).resolve()
    return target.is_relative_to(root.resolve()) and target.is_file()


def _regular_files(folder: Path) -> frozenset[str]:
    """Names of the regular files directly in ``folder`` (a symbolic link is not one)."""
    if folder.is_symlink() or not folder.is_dir():
        return frozenset()  # a linked folder may point anywhere: its files take the slow check
    with os.scandir(folder) as entries:
        return frozenset(e.name for e in entries if e.is_file(follow_symlinks=False))


class _Present:
    """Whether an artifact path of a record is a file inside the run directory.

    One listing per folder answers for every plain ``folder/name`` path (two ``resolve()``
    calls per attempt took seconds at 100,000 attempts); anything else — a symbolic link, a
    deeper or odd path — takes the full check: resolved, inside the run, a file.
    """

    def __init__(self, root: Path) -> None:
        self._root = root
        self._listed = {sub: _regular_files(root / sub) for sub in ("events", "diffs")}

    def __call__(self, rel: str) -> bool:
        folder, _, name = rel.partition("/")
        listed = self._listed.get(folder)
        if listed is not None and name in listed:  # a plain name: no "/", never "." or ".."
            return True
        return _inside(self._root, rel)


def load_run(path: Path, label: str | None = None) -> RunData:
    """Read and check one run directory; raise :class:`InputError` if it is not one."""
    run = RunDir.open(path)
    actual = run.current_digest()
    manifest = run.manifest()
    env_file = path / "environment.json"
    environment: dict[str, Any] = {}
    if env_file.is_file():
        try:
            loaded = json.loads(env_file.read_text(encoding="utf-8"))
        except ValueError:
            loaded = {}
        environment = loaded if isinstance(loaded, dict) else {}
    records = sorted(run.latest().values(), key=lambda r: r.attempt_id)
    recorded = run.tasks()
    missing: dict[str, list[str]] = {}
    present = _Present(path)
    for r in records:
        gone = [rel for rel in (r.events, r.diff) if not present(rel)]
        if gone:
            missing[r.attempt_id] = gone
    return RunData(
        label=label or path.resolve().name,
        root=path,
        manifest=manifest,
        recorded_digest=run.digest,
        actual_digest=actual,
        environment=environment,
        records=records,
        missing_artifacts=missing,
        planned_tasks=tuple(recorded.ids) if recorded is not None else None,
        task_list=recorded,
    )


def load_runs(paths: list[Path]) -> list[RunData]:
    """Load several run directories with short labels unique within the list.

    A label is the folder's name; folders of the same name are told apart by their parent's
    name (``a/run``, ``b/run``), and by a counter if that is not enough.
    """
    names = [p.resolve().name or "run" for p in paths]
    labels: list[str] = []
    for p, name in zip(paths, names, strict=True):
        label = name
        if names.count(name) > 1 and p.resolve().parent.name:
            label = f"{p.resolve().parent.name}/{name}"
        base, k = label, 2
        while label in labels:
            label, k = f"{base}-{k}", k + 1
        labels.append(label)
    return [load_run(p, label) for p, label in zip(paths, labels, strict=True)]
