"""Run directories loaded once and kept while their records do not change.

A run is reloaded when ``attempts.jsonl`` or ``manifest.json`` changes size or time, so a
live run's pages follow its records. Loading reads through :mod:`assay.results` (the same
code as ``assay report`` and ``assay query``) and changes nothing on disk: no lock is taken,
claims are decided without recording a look.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assay.results.runs import RunData, load_run

if TYPE_CHECKING:
    import duckdb

    from assay.report.build import Analysis

Stamp = tuple[int, int, int, int]


def stamp(root: Path) -> Stamp:
    """Size and modification time of the files whose change means the run changed."""
    out: list[int] = []
    for name in ("attempts.jsonl", "manifest.json"):
        try:
            st = (root / name).stat()
            out += [st.st_size, st.st_mtime_ns]
        except OSError:
            out += [-1, -1]
    return (out[0], out[1], out[2], out[3])


@dataclass
class Loaded:
    """One run as last read, with what was derived from it on demand."""

    stamp: Stamp
    data: RunData
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _analysis: Analysis | None = None
    _con: duckdb.DuckDBPyConnection | None = None
    _extra: dict[str, Any] = field(default_factory=dict)

    def analysis(self) -> Analysis:
        """Arms and claims as the report computes them (no look is recorded)."""
        with self._lock:
            if self._analysis is None:
                from assay.report.build import analyse_runs

                self._analysis = analyse_runs([self.data], record_looks=False)
            return self._analysis

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on the run's ``attempts`` table (one per request: cursors are not shared)."""
        with self._lock:
            if self._con is None:
                from assay.query.duckdb import connect

                self._con = connect([self.data], ("attempts",))  # events are never read here
            return self._con.cursor()

    def memo(self, key: str, make: Any) -> Any:
        """A value derived from this load, computed once (``make()``)."""
        with self._lock:
            if key not in self._extra:
                self._extra[key] = make()
            return self._extra[key]


class RunCache:
    """Loaded runs by directory; a changed run is read again."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[Path, Loaded] = {}

    def get(self, root: Path, label: str) -> Loaded:
        """The run at ``root`` as it is now (raises InputError if it is not a run)."""
        now = stamp(root)
        with self._lock:
            hit = self._runs.get(root)
        if hit is not None and hit.stamp == now:
            return hit
        loaded = Loaded(now, load_run(root, label))
        with self._lock:
            self._runs[root] = loaded
        return loaded
