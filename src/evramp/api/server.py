"""The FastAPI application: the REST API (`rest`), the dashboard's pages (`pages`), the static
assets, the offline API docs, and how refusals become status codes. Never a traceback to a
client: what evramp refuses is said (400, 404, 422 with every problem), anything else is a 500
that says to look at the server's log, where the traceback goes."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from evramp import __version__
from evramp.api import pages, rest
from evramp.api.auth import LoginNeeded
from evramp.api.jobs import Jobs
from evramp.app import BadInput, NoPlan, NotFound, ScenarioRejected
from evramp.store import Workspace

log = logging.getLogger("evramp.api")

MAX_REQUEST_BYTES = 60_000_000
"""A request's body at most (an upload's own limit is 50 MB): a bigger one is refused (413)
before it is read."""

STATIC_MAX_AGE = 86_400
"""Seconds a browser keeps plotly.js and the docs' assets (a new evramp serves new URLs only
when their packages change, which is rare enough for a day)."""


def create_app(db: str | None = None, results: Path | None = None) -> FastAPI:
    """The app on the workspace `db` (default `$EVRAMP_DB`, then the default file); jobs
    write their results (risk reports) under `results` (default: a new temporary folder)."""
    jobs = Jobs(db, results or Path(tempfile.mkdtemp(prefix="evramp-serve-")))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.stop_all()  # no job outlives its server

    app = FastAPI(
        lifespan=lifespan,
        title="evramp",
        version=__version__,
        summary="Production ramp-up plans of an EV plant: scenarios, plans, what-ifs, risk.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.db = db
    app.state.workspace = cache(lambda: Workspace.open(db))
    app.state.jobs = jobs
    app.include_router(rest.router)
    app.include_router(pages.router)
    _limit_requests(app)
    _mount_static(app)
    _add_docs(app)
    _add_error_handlers(app)
    return app


def _mount_static(app: FastAPI) -> None:
    import fastapi_offline
    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data"
    app.mount("/static/plotly", StaticFiles(directory=plotly_js), name="plotly")
    # Swagger UI 5 (FastAPI's schema is OpenAPI 3.1, which Swagger UI 4 cannot show).
    swagger = Path(fastapi_offline.__file__).parent / "static"
    app.mount("/static/swagger", StaticFiles(directory=swagger), name="swagger")

    @app.middleware("http")
    async def cached(request: Request, call_next):  # type: ignore[no-untyped-def]
        response: Response = await call_next(request)
        if request.url.path.startswith("/static/") and response.status_code in (200, 304):
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
        return response


def _limit_requests(app: FastAPI) -> None:
    @app.middleware("http")
    async def limited(request: Request, call_next):  # type: ignore[no-untyped-def]
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_REQUEST_BYTES:
            message = f"the request is {int(length):,} bytes; at most {MAX_REQUEST_BYTES:,}"
            return JSONResponse({"detail": message}, 413)
        response: Response = await call_next(request)
        return response


def _add_docs(app: FastAPI) -> None:
    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        # FastAPI's own docs page loads Swagger UI from a CDN; these are served from here.
        return get_swagger_ui_html(
            openapi_url="/api/openapi.json",
            title="evramp API",
            swagger_js_url="/static/swagger/swagger-ui-bundle.js",
            swagger_css_url="/static/swagger/swagger-ui.css",
            swagger_favicon_url="/static/swagger/favicon.png",
        )


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginNeeded)
    async def login_needed(request: Request, needed: LoginNeeded) -> Response:
        return RedirectResponse(f"/login?next={needed.target}", status_code=303)

    @app.exception_handler(ScenarioRejected)
    async def rejected(request: Request, refused: ScenarioRejected) -> Response:
        problems = [
            {
                "file": p.file,
                "row": p.row,
                "cell": p.cell,
                "field": p.field,
                "message": p.message,
            }
            for p in refused.problems
        ]
        return _refusal(request, 422, refused.message, problems)

    @app.exception_handler(NotFound)
    async def not_found(request: Request, missing: NotFound) -> Response:
        return _refusal(request, 404, missing.message)

    @app.exception_handler(BadInput)
    async def bad_input(request: Request, refused: BadInput) -> Response:
        return _refusal(request, 400, refused.message, details=refused.details)

    @app.exception_handler(NoPlan)
    async def no_plan(request: Request, failed: NoPlan) -> Response:
        return _refusal(request, 409, failed.message)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, invalid: RequestValidationError) -> Response:
        problems = [
            {"where": ".".join(str(part) for part in error["loc"]), "message": error["msg"]}
            for error in invalid.errors()
        ]
        return _refusal(request, 422, "the request is not what this endpoint takes", problems)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        headers = dict(error.headers) if error.headers else None
        if _wants_json(request) or request.url.path.startswith("/static/"):
            return JSONResponse({"detail": error.detail}, error.status_code, headers=headers)
        return _html_refusal(error.status_code, str(error.detail))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        log.exception("%s %s failed", request.method, request.url.path)
        return _refusal(request, 500, "evramp failed on this request; the server's log says why")


def _refusal(
    request: Request,
    status: int,
    message: str,
    problems: list[dict[str, object]] | None = None,
    details: str | None = None,
) -> Response:
    if _wants_json(request):
        body: dict[str, object] = {"detail": message}
        if problems is not None:
            body["problems"] = problems
        if details:
            body["details"] = details.splitlines()
        return JSONResponse(body, status)
    lines = [str(p.get("message", "")) for p in problems or []] or (details or "").splitlines()
    return _html_refusal(status, message, lines)


def _html_refusal(status: int, message: str, lines: list[str] | None = None) -> HTMLResponse:
    from evramp.api.html import render

    page = render("refusal.html", title=message, lines=lines or [], status=status)
    return HTMLResponse(page, status)
