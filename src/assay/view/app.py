"""The viewer's web application (Starlette): HTML pages and their JSON twins, read-only.

Routes (``RID`` a run id from the runs page, ``AID`` an attempt id):

- ``/`` and ``/api/runs``: every run under the given folders;
- ``/run/RID`` and ``/api/run/RID`` (filters ``suite task agent model condition seed
  outcome success``, ``page``): report tables and plots, claims, the paged attempt list;
- ``/api/run/RID/plot/NAME``: one of the report's PNG plots;
- ``/run/RID/attempt/AID`` and ``/api/run/RID/attempt/AID``: one attempt;
- ``/run/RID/raw/PATH``: a raw record of the run, as text, confined to the run directory;
- ``/run/RID/live`` and ``/api/run/RID/progress``: progress of a run in progress;
- ``/compare`` and ``/api/compare`` (``run`` repeated, ``arm`` repeated, ``metric``).

Only GET (and HEAD) are answered; a Host header other than the bound loopback name is
refused (a page on another site cannot reach the viewer by DNS rebinding).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from assay.view import render
from assay.view.links import Links
from assay.view.site import Site

if TYPE_CHECKING:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response

CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline';"
    " script-src 'unsafe-inline'; connect-src 'self'; form-action 'self'"
)


def _filters(request: Request) -> dict[str, str]:
    return {k: v for k, v in request.query_params.items() if k != "page"}


def _page_number(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if raw.isdigit() else 1


def create_app(site: Site, hosts: list[str]) -> Starlette:
    """The application over ``site``; ``hosts`` are the Host names it answers to."""
    from starlette.applications import Starlette
    from starlette.exceptions import HTTPException
    from starlette.middleware import Middleware
    from starlette.middleware.trustedhost import TrustedHostMiddleware
    from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse
    from starlette.responses import Response as Plain
    from starlette.routing import Route

    def missing(what: str) -> HTTPException:
        return HTTPException(404, f"{what} not found")

    def html(text: str) -> Response:
        return HTMLResponse(text, headers={"Content-Security-Policy": CSP})

    def api(data: Any) -> Response:
        return JSONResponse(data)

    def runs(request: Request) -> Response:
        return html(render.runs_page(site.runs(), Links(0)))

    def runs_api(request: Request) -> Response:
        return api(site.runs())

    def run_data(request: Request) -> tuple[str, dict[str, Any]]:
        rid = request.path_params["rid"]
        data = site.run(rid, _filters(request), _page_number(request))
        if data is None:
            raise missing("run")
        return rid, data

    def run(request: Request) -> Response:
        rid, data = run_data(request)
        return html(render.run_page(data, site.report(rid) or [], Links(1)))

    def run_api(request: Request) -> Response:
        from assay.view.report_blocks import blocks_json

        rid, data = run_data(request)
        return api({**data, "report": blocks_json(site.report(rid) or [])})

    def plot(request: Request) -> Response:
        from assay.view.report_blocks import figure

        png = figure(site.report(request.path_params["rid"]) or [], request.path_params["name"])
        if png is None:
            raise missing("plot")
        return Plain(png, media_type="image/png")

    def attempt_data(request: Request) -> dict[str, Any]:
        data = site.attempt(request.path_params["rid"], request.path_params["aid"])
        if data is None:
            raise missing("attempt")
        return data

    def attempt(request: Request) -> Response:
        return html(render.attempt_page(attempt_data(request), Links(3)))

    def attempt_api(request: Request) -> Response:
        return api(attempt_data(request))

    def raw(request: Request) -> Response:
        path = site.raw(request.path_params["rid"], request.path_params["rel"])
        if path is None:
            raise missing("file")
        from assay.release.secrets import redact

        text = path.read_text(encoding="utf-8", errors="replace")
        return PlainTextResponse(redact(text, extra_paths=site.paths))

    def compare_data(request: Request) -> dict[str, Any]:
        q = request.query_params
        metric = q.get("metric", "success")
        try:
            data = site.compare(q.getlist("run"), q.getlist("arm"), metric)
        except ValueError as exc:
            raise HTTPException(400, str(exc)) from None
        if data is None:
            raise missing("run")
        return data

    def compare(request: Request) -> Response:
        return html(render.compare_page(compare_data(request), Links(0)))

    def compare_api(request: Request) -> Response:
        return api(compare_data(request))

    def progress_data(request: Request) -> dict[str, Any]:
        data = site.progress(request.path_params["rid"])
        if data is None:
            raise missing("run")
        return data

    def live(request: Request) -> Response:
        feed = f"../../api/run/{quote(request.path_params['rid'])}/progress"
        return html(render.live_page(progress_data(request), Links(2), feed))

    def progress_api(request: Request) -> Response:
        return api(progress_data(request))

    routes = [
        Route("/", runs),
        Route("/api/runs", runs_api),
        Route("/run/{rid}", run),
        Route("/api/run/{rid}", run_api),
        Route("/api/run/{rid}/plot/{name}", plot),
        Route("/run/{rid}/attempt/{aid}", attempt),
        Route("/api/run/{rid}/attempt/{aid}", attempt_api),
        Route("/run/{rid}/raw/{rel:path}", raw),
        Route("/run/{rid}/live", live),
        Route("/api/run/{rid}/progress", progress_api),
        Route("/compare", compare),
        Route("/api/compare", compare_api),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=hosts)]
    return Starlette(routes=routes, middleware=middleware)
