"""The application: routers, read-only database, error handlers and offline docs."""

import logging
import sqlite3
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response
from fastapi.routing import APIRoute
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.access import AccessLog, remember_problem
from app.api.compression import Compression
from app.api.cors import OpenCors
from app.api.filters import COUNTRY_CODE_SCHEMA
from app.api.formats import MEDIA_TYPES
from app.api.limits import (
    UNLIMITED_PATHS,
    ClientLimits,
    RateLimit,
    RequestTimeout,
)
from app.api.offload import SlowReads
from app.api.responses import ProblemResponse
from app.api.routes import (
    agreements,
    countries,
    export,
    health,
    meetings,
    meta,
    participants,
    search,
    sources,
    topics,
    tours,
    visits,
)
from app.api.security import (
    RequestShape,
    SecurityHeaders,
    inline_script_hashes,
    page_policy,
)
from app.api.shortcut import Shortcut, detail_routes
from app.config import Settings, get_settings
from app.derived import DERIVED_VERSION
from app.errors import PROBLEM_MEDIA_TYPE, ApiError, ParameterError, invalid_parameters
from app.pages import routes as page_routes
from app.pages.errors import prefers_html, problem_page
from app.storage import (
    DatabaseNotReady,
    QueryTimeout,
    check_database,
    check_integrity,
    open_reader,
    sqlite_path,
)
from app.telemetry import telemetry_config

logger = logging.getLogger("app")

DOCS_STATIC = Path(fastapi_offline.__file__).parent / "static"
STATIC_URL = "/static/docs"

DESCRIPTION = """
Who visited whom, when and where, whom they met and what they signed — every fact with
its source.

* Ids are stable strings; countries are ISO 3166-1 codes (alpha-2 in responses, alpha-2 or
  alpha-3 in any case in filters); dates are ISO 8601.
* Lists return `{"items", "total", "next_cursor"}` and a `Link: rel="next"` header; pass
  `cursor` back to get the next page. Filters compose with AND; unknown parameters are errors.
* Errors are `application/problem+json` (RFC 9457) with an `errors` list naming each bad
  parameter.
"""

TAGS = [
    {"name": "visits", "description": "Stays of a visitor in a host country, with their parts."},
    {
        "name": "meetings",
        "description": "Engagements during a visit: talks, ceremonies, site visits.",
    },
    {
        "name": "agreements",
        "description": "What was signed or agreed, with parties and signatories.",
    },
    {
        "name": "participants",
        "description": "People and named groups, with what they attended and signed.",
    },
    {"name": "tours", "description": "Multi-country trips, each leg a visit."},
    {
        "name": "countries",
        "description": "ISO 3166-1 countries with counts of visits made and hosted.",
    },
    {"name": "topics", "description": "Fields of cooperation."},
    {"name": "sources", "description": "The documents every fact is cited from."},
    {"name": "search", "description": "One search box over every resource."},
    {
        "name": "dataset",
        "description": "The dataset's version, counts and sources; the deletions feed.",
    },
    {
        "name": "export",
        "description": "Whole resources streamed as CSV or NDJSON; the database file.",
    },
    {"name": "health", "description": "Liveness and database check."},
]

ROUTERS = (
    meta,
    visits,
    meetings,
    agreements,
    participants,
    tours,
    countries,
    topics,
    sources,
    search,
    export,
)


class HeadAsGet:
    """Answer HEAD as GET without the body (RFC 9110), so every GET also takes HEAD."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run a HEAD request as a GET and drop what would have been the body."""
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def operation_id(route: APIRoute) -> str:
    """OpenAPI operation ids are the handler names (`list_visits`): clean client methods."""
    return route.name


@dataclass(frozen=True)
class Integrity:
    """What the integrity check run in the background found, in one line."""

    status: Literal["pending", "ok", "damaged"]
    message: str


def checks_integrity_in_background(settings: Settings) -> bool:
    """Whether the database file is larger than INTEGRITY_CHECK_MAX_BYTES: `serve` checks a
    smaller one before it serves; the app checks a larger one in the background as it serves."""
    path = sqlite_path(settings.database_url)
    return path is not None and path.stat().st_size > settings.integrity_check_max_bytes


def _check_integrity_in_background(app: FastAPI, database_url: str) -> None:
    """Run `quick_check` on a thread; its outcome goes to `app.state.integrity` and the log.

    SQLite runs the check without holding the GIL, so requests are served meanwhile; a
    damaged file is served still (what can be read is), and `/healthz` says it is damaged.
    """
    app.state.integrity = Integrity("pending", "the integrity check is running")
    logger.info("integrity check started in the background (file over INTEGRITY_CHECK_MAX_BYTES)")

    def check() -> None:
        started = time.perf_counter()
        try:
            pages = check_integrity(database_url)
        except DatabaseNotReady as error:
            app.state.integrity = Integrity("damaged", str(error))
            logger.error("integrity check: %s", error)
            return
        seconds = time.perf_counter() - started
        app.state.integrity = Integrity("ok", f"{pages:,} pages checked in {seconds:.1f} s")
        logger.info("integrity check: database ok: %s", app.state.integrity.message)

    # A daemon: stopping the server does not wait for a check of a large file to end.
    threading.Thread(target=check, name="integrity-check", daemon=True).start()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for `settings` (the environment's by default)."""
    settings = settings or get_settings()
    check_database(settings.database_url, DERIVED_VERSION)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if checks_integrity_in_background(settings) and settings.integrity_check_in_background:
            _check_integrity_in_background(app, settings.database_url)
        yield
        app.state.reader.close()
        if app.state.rate_limits is not None:
            await app.state.rate_limits.close()

    app = FastAPI(
        title="Diplomatic Visits API",
        version=version("diplomatic-visits-api"),  # the installed package's
        description=DESCRIPTION,
        openapi_tags=TAGS,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        telemetry=telemetry_config(),
    )
    app.state.settings = settings
    app.state.slow_reads = SlowReads()
    app.state.reader = open_reader(settings.database_url, settings.query_time_limit_ms)
    # An Integrity while the app checks the file in the background, None when it does not
    # (a file within INTEGRITY_CHECK_MAX_BYTES is checked by `serve` before the app starts).
    app.state.integrity = None

    for module in ROUTERS:
        app.include_router(module.router)
    app.include_router(health.router)
    app.include_router(page_routes.router)

    # Outermost last. The access log sees (and ids) every request, the security headers go
    # on every answer, CORS answers preflights and labels even 429s, then the rate limit and
    # the request clock; gzip wraps every body; innermost, the shortcut to detail handlers.
    app.add_middleware(Shortcut, routes=detail_routes(app))
    app.add_middleware(Compression)
    app.add_middleware(HeadAsGet)
    app.add_middleware(RequestTimeout, seconds=settings.request_time_limit_ms / 1000)
    app.state.rate_limits = None
    if settings.rate_limit:
        app.state.rate_limits = ClientLimits(settings.rate_limit, settings.rate_limit_storage)
        app.add_middleware(RateLimit, limits=app.state.rate_limits)
    app.add_middleware(OpenCors)
    pages = _add_docs(app)
    app.add_middleware(RequestShape)
    app.add_middleware(
        SecurityHeaders,
        page_policies={
            path: page_policy(inline_script_hashes(page)) for path, page in pages.items()
        },
    )
    app.add_middleware(AccessLog)

    _add_error_handlers(app)
    _document_problems(app)
    return app


FORMAT_SCHEMAS: dict[str, dict[str, Any]] = {
    "csv": {
        "type": "string",
        "description": "RFC 4180 CSV in UTF-8 with a byte order mark: a header row, then one "
        "flat row per record.",
    },
    "ndjson": {"type": "string", "description": "One JSON record per line."},
}


def _retry_problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "headers": {
            "Retry-After": {
                "description": "Seconds to wait before asking again.",
                "required": True,
                "schema": {"type": "integer"},
            }
        },
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


# Answers the middleware may give on any operation (app.api.limits, app.storage's time limit).
EVERY_OPERATION_MAY = {
    "429": _retry_problem(
        "Too many requests from this address (when the server sets RATE_LIMIT); every answer "
        "then carries `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` and "
        "`RateLimit-Policy`."
    ),
    "503": _retry_problem(
        "The query or the request ran past its time limit, or the database did not answer."
    ),
}


def _offered_formats(operation: dict[str, Any]) -> list[str]:
    """The values of an operation's `format` query parameter."""
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "query" and parameter["name"] == "format":
            schema = parameter["schema"]
            for option in [schema, *schema.get("anyOf", [])]:
                if "enum" in option:
                    return list(option["enum"])
    return []


def _document_problems(app: FastAPI) -> None:
    """Document responses as they are sent: errors as application/problem+json only, lists in
    every format their `format` parameter offers, the shared country code schema."""
    build_openapi = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = build_openapi()
            for path, methods in document["paths"].items():
                for operation in methods.values():
                    for status, response in operation["responses"].items():
                        content = response.get("content", {})
                        if status[0] in "45" and "application/json" in content:
                            content[PROBLEM_MEDIA_TYPE] = content.pop("application/json")
                    answered = operation["responses"].get("200", {}).get("content", {})
                    for offered in _offered_formats(operation):
                        media_type = MEDIA_TYPES[offered].split(";")[0]
                        if media_type not in answered and offered in FORMAT_SCHEMAS:
                            answered[media_type] = {"schema": FORMAT_SCHEMAS[offered]}
                    for status, answer in EVERY_OPERATION_MAY.items():
                        if not (status == "429" and path in UNLIMITED_PATHS):
                            operation["responses"].setdefault(status, answer)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["CountryCode"] = COUNTRY_CODE_SCHEMA
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _add_docs(app: FastAPI) -> dict[str, bytes]:
    """Swagger UI and ReDoc, served from an installed package: they work with no internet.

    Each page is made once; the pages by path are returned so that their content security
    policies can allow exactly their inline scripts.
    """
    app.mount(STATIC_URL, StaticFiles(directory=DOCS_STATIC), name="docs-static")
    swagger_page = get_swagger_ui_html(
        openapi_url="/openapi.json",
        title="Diplomatic Visits API — Swagger UI",
        swagger_js_url=f"{STATIC_URL}/swagger-ui-bundle.js",
        swagger_css_url=f"{STATIC_URL}/swagger-ui.css",
        swagger_favicon_url=f"{STATIC_URL}/favicon.png",
    ).body
    redoc_page = get_redoc_html(
        openapi_url="/openapi.json",
        title="Diplomatic Visits API — ReDoc",
        redoc_js_url=f"{STATIC_URL}/redoc.standalone.js",
        redoc_favicon_url=f"{STATIC_URL}/favicon.png",
        with_google_fonts=False,
    ).body

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return HTMLResponse(swagger_page)

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return HTMLResponse(redoc_page)

    return {"/docs": bytes(swagger_page), "/redoc": bytes(redoc_page)}


# Problems name the request's path; a path longer than this is cut, not echoed whole.
MAX_PATH_SHOWN = 300


def _problem(request: Request, error: ApiError) -> Response:
    remember_problem(request.scope, error.slug)
    problem = error.problem(instance=request.scope["path"][:MAX_PATH_SHOWN])
    if prefers_html(request.scope):  # a browser: the problem as a page
        answer = problem_page(problem, request.scope)
        answer.headers.update(error.headers)
        return answer
    return ProblemResponse(problem, status_code=error.status, headers=error.headers)


def _location(loc: tuple[Any, ...]) -> tuple[str, str]:
    where = str(loc[0]) if loc else "query"
    name = ".".join(str(part) for part in loc[1:]) or where
    return where, name


def _add_error_handlers(app: FastAPI) -> None:
    """Every error leaves as application/problem+json; nothing internal is ever shown."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> Response:
        return _problem(request, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        errors = []
        for item in error.errors():
            where, name = _location(tuple(item.get("loc", ())))
            message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
            if item.get("type") == "extra_forbidden":
                message = "unknown parameter"
            errors.append(ParameterError(name=name, location=where, message=message))
        return _problem(request, invalid_parameters(errors))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed"}
        detail = {
            404: f"No resource at {request.scope['path'][:MAX_PATH_SHOWN]}.",
            405: f"{request.method} is not allowed here.",
        }.get(error.status_code, str(error.detail))
        slug = titles.get(error.status_code, "http-error").lower().replace(" ", "-")
        headers = dict(error.headers or {})
        allowed = [method.strip() for method in headers.get("Allow", "").split(",")]
        if "GET" in allowed and "HEAD" not in allowed:
            headers["Allow"] = ", ".join([*allowed, "HEAD"])  # HeadAsGet answers HEAD too
        return _problem(
            request,
            ApiError(
                error.status_code,
                slug,
                titles.get(error.status_code, "HTTP error"),
                detail,
                headers=headers,
            ),
        )

    @app.exception_handler(QueryTimeout)
    async def query_timeout(request: Request, _error: QueryTimeout) -> Response:
        return _problem(
            request,
            ApiError(
                503,
                "query-timeout",
                "Query took too long",
                "The query ran past the time limit; narrow the filters or try again later.",
                headers={"Retry-After": "5"},
            ),
        )

    @app.exception_handler(sqlite3.Error)
    async def database_error(request: Request, error: sqlite3.Error) -> Response:
        logger.error("database error on %s: %s", request.url.path, error)
        return _problem(
            request,
            ApiError(
                503,
                "database-unavailable",
                "Database unavailable",
                "The database could not answer; try again later.",
                headers={"Retry-After": "5"},
            ),
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, error: Exception) -> Response:
        logger.exception("unexpected error on %s", request.url.path, exc_info=error)
        return _problem(
            request,
            ApiError(500, "internal-error", "Internal error", "Something went wrong on our side."),
        )
