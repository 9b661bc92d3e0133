"""Everything the viewer shows, as plain redacted data: the one source of pages and API.

The server (:mod:`assay.view.app`) and the static export (:mod:`assay.view.export`) both
render from here, and the JSON endpoints return these dictionaries as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from assay.errors import InputError
from assay.view import listing
from assay.view.attempt import attempt_data, find
from assay.view.compare import compare
from assay.view.loaded import Loaded, RunCache
from assay.view.redact import clean_dict as clean
from assay.view.report_blocks import report_blocks
from assay.view.roots import Roots
from assay.view.summary import progress, run_summary


class Site:
    """The runs under the given folders, loaded on demand and kept while unchanged."""

    def __init__(self, roots: Roots) -> None:
        self.roots = roots
        self.cache = RunCache()
        # Absolute prefixes made relative on every page (the home folder is redacted anyway).
        self.paths = sorted(
            {str(f) for f in roots.folders} | {str(f.parent) for f in roots.folders}
        )

    def run_ids(self) -> dict[str, Path]:
        """Run id → run directory, discovered now."""
        return self.roots.discover()

    def load(self, rid: str) -> Loaded | None:
        """The run with id ``rid``, or None when there is none (ids are looked up, not joined)."""
        root = self.run_ids().get(rid)
        if root is None:
            return None
        return self.cache.get(root, rid)

    def runs(self) -> dict[str, Any]:
        """The runs page: one row per run; a run that cannot be read says why."""
        rows: list[dict[str, Any]] = []
        for rid, root in self.run_ids().items():
            try:
                rows.append(run_summary(rid, self.cache.get(root, rid)))
            except InputError as exc:
                rows.append({"id": rid, "error": str(exc)})
        return clean({"runs": rows}, self.paths)

    def claims(self, loaded: Loaded) -> dict[str, Any]:
        """The run's claims as decided now (no look spent) and the looks recorded before."""
        from assay.claims.ledger import LookLedger
        from assay.results.claims import LEDGER

        decided = loaded.analysis().claims[0].to_json()
        try:
            looks = [
                r.model_dump(mode="json", by_alias=True)
                for r in LookLedger(loaded.data.root / LEDGER).records()
            ]
        except InputError as exc:
            looks = [{"error": str(exc)}]
        return {**decided, "looks": looks}

    def run(self, rid: str, filters: Mapping[str, str], page: int) -> dict[str, Any] | None:
        """The run page: summary, report blocks, claims and one page of attempts."""
        loaded = self.load(rid)
        if loaded is None:
            return None
        listed = listing.page(loaded, filters, page)
        data = {
            "summary": run_summary(rid, loaded),
            "claims": self.claims(loaded),
            "attempts": {
                "rows": listed.rows,
                "total": listed.total,
                "page": listed.page,
                "pages": listed.pages,
                "page_size": listing.PAGE_SIZE,
                "filters": listed.filters,
                "choices": listed.choices,
                "problems": listed.problems,
            },
        }
        return clean(data, self.paths)

    def report(self, rid: str) -> list[Any] | None:
        """The report blocks of a run (already redacted), or None for an unknown run."""
        loaded = self.load(rid)
        return None if loaded is None else report_blocks(loaded, self.paths)

    def attempt(self, rid: str, aid: str) -> dict[str, Any] | None:
        """The attempt page, or None for an unknown run or attempt."""
        loaded = self.load(rid)
        record = None if loaded is None else find(loaded, aid)
        if loaded is None or record is None:
            return None
        return clean({"run": rid, **attempt_data(self.roots, loaded, record)}, self.paths)

    def raw(self, rid: str, rel: str) -> Path | None:
        """A raw record of a run, confined to it (see :meth:`Roots.raw_file`)."""
        root = self.run_ids().get(rid)
        return None if root is None else self.roots.raw_file(root, rel)

    def compare(self, rids: list[str], arms: list[str], metric: str) -> dict[str, Any] | None:
        """The compare page over the named runs (all runs when none is named)."""
        chosen = rids or list(self.run_ids())
        loaded = [(rid, self.load(rid)) for rid in chosen]
        found = [(rid, run) for rid, run in loaded if run is not None]
        if len(found) != len(loaded):
            return None
        return clean({"runs": chosen, **compare(found, arms, metric)}, self.paths)

    def progress(self, rid: str) -> dict[str, Any] | None:
        """A run's progress (done, planned, time left, latest attempts)."""
        loaded = self.load(rid)
        return None if loaded is None else clean({"id": rid, **progress(loaded)}, self.paths)
