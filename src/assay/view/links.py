"""Links between pages, relative to the page they are on, for the server and for an export.

Every link is relative (``../`` up to the site's root, then the target), so the same
templates serve both: on the server a run page is ``run/ID``, in an export the file
``run/ID.html``. Run and attempt ids are used as given: they are file names already
(discovered run ids carry no ``/``; attempt ids are written as file names by the runner).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode


@dataclass(frozen=True)
class Links:
    """The links of one page: ``depth`` folders below the root, server or export."""

    depth: int
    export: bool = False

    @property
    def base(self) -> str:
        """The way up to the site's root from this page."""
        return "../" * self.depth

    def _to(self, path: str, query: dict[str, str] | None = None) -> str:
        if self.export:
            return self.base + (path or "index") + ".html"
        q = f"?{urlencode(query)}" if query else ""
        return self.base + path + q if (path or q) else self.base or "./"

    def runs(self) -> str:
        """The runs page."""
        return self._to("")

    def run(self, rid: str, page: int = 1, filters: dict[str, str] | None = None) -> str:
        """A run's page (page ``page`` of its attempt list, filtered on the server)."""
        if self.export:
            return self._to(f"run/{quote(rid)}" + (f"/page-{page}" if page > 1 else ""))
        query = dict(filters or {})
        if page > 1:
            query["page"] = str(page)
        return self._to(f"run/{quote(rid)}", query)

    def attempt(self, rid: str, aid: str) -> str:
        """An attempt's page."""
        return self._to(f"run/{quote(rid)}/attempt/{quote(aid)}")

    def live(self, rid: str) -> str:
        """A run's live page."""
        return self._to(f"run/{quote(rid)}/live")

    def raw(self, rid: str, rel: str) -> str:
        """A raw record of a run (a copy in an export)."""
        target = self.base + f"run/{quote(rid)}/raw/{quote(rel)}"
        return target

    def compare(self, rids: list[str]) -> str:
        """The compare page of ``rids`` (an export has one, of the exported run's arms)."""
        if self.export:
            return self._to("compare")
        return self._to("compare", None) + "?" + urlencode([("run", r) for r in rids])
