"""``assay view --export DIR``: the viewer's pages as static files, for sharing a run.

Every page is written with relative links (open ``index.html`` from disk, no server); plots
are inlined as ``data:`` images and each attempt's raw records are copied, redacted, beside
its page. Filters need the server, so an export lists every attempt page by page. The live
page is a snapshot. Nothing is written into a run directory: an export folder inside one of
the runs is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from assay.errors import InputError
from assay.release.secrets import redact
from assay.store.atomic import write_atomic
from assay.view import render
from assay.view.links import Links
from assay.view.site import Site


def _write(out: Path, rel: str, text: str) -> None:
    path = out / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text)


def export_site(site: Site, out: Path) -> list[str]:
    """Write every page of every run under the site into ``out``; return the files written."""
    ids = site.run_ids()
    target = out.resolve()
    for root in ids.values():
        if target.is_relative_to(root.resolve()):
            raise InputError.single(
                out, "--export", "inside a run directory", "export to a folder outside the runs"
            )
    written: list[str] = []

    def put(rel: str, text: str) -> None:
        _write(out, rel, text)
        written.append(rel)

    put("index.html", render.runs_page(site.runs(), Links(0, export=True)))
    for rid in ids:
        first = site.run(rid, {}, 1)
        if first is None:
            continue  # a folder that is not a readable run: the index says why
        report = site.report(rid) or []
        pages = first["attempts"]["pages"]
        for n in range(1, pages + 1):
            data = first if n == 1 else site.run(rid, {}, n)
            if data is None:
                continue
            rel = f"run/{rid}.html" if n == 1 else f"run/{rid}/page-{n}.html"
            links = Links(1 if n == 1 else 2, export=True)
            put(rel, render.run_page(data, report if n == 1 else [], links))
            for row in data["attempts"]["rows"]:
                _attempt(site, rid, row["attempt_id"], put)
        progress = site.progress(rid)
        if progress is not None:
            put(f"run/{rid}/live.html", render.live_page(progress, Links(2, export=True), ""))
    compared = site.compare(list(ids), [], "success")
    if compared is not None:
        put("compare.html", render.compare_page(compared, Links(0, export=True)))
    return written


def _attempt(site: Site, rid: str, aid: str, put: Callable[[str, str], None]) -> None:
    data = site.attempt(rid, aid)
    if data is None:
        return
    put(f"run/{rid}/attempt/{aid}.html", render.attempt_page(data, Links(3, export=True)))
    for raw in data["raw"]:
        path = site.raw(rid, raw["path"])
        if path is not None:
            text = path.read_text(encoding="utf-8", errors="replace")
            put(f"run/{rid}/raw/{raw['path']}", redact(text, extra_paths=site.paths))
