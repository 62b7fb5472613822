"""Exception handlers: what each error raised while a route answers becomes, in words a client
can act on. The answer itself is built by the edge's `Problems` (app/edge/problems.py).

An error no handler here takes (a bug) reaches the access log, which answers a 500 that shows
nothing internal.
"""

import logging
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.types import Scope

from app.edge.problems import Problems, shown_path
from app.errors import ApiError, ParameterError, invalid_parameters
from app.storage import ENGINE_ERRORS, QueryTimeout

logger = logging.getLogger("app")

QUERY_TIMEOUT = ApiError(
    503,
    "query-timeout",
    "Query took too long",
    "The query ran past the time limit; narrow the filters or try again later.",
    headers={"Retry-After": "5"},
)
DATABASE_UNAVAILABLE = ApiError(
    503,
    "database-unavailable",
    "Database unavailable",
    "The database could not answer; try again later.",
    headers={"Retry-After": "5"},
)
# What a route's handler may raise that is answered as a problem (the fast path to details
# catches the same).
ANSWERED: tuple[type[Exception], ...] = (
    ApiError,
    QueryTimeout,
    *ENGINE_ERRORS,
    RequestValidationError,
    HTTPException,
)


def _location(loc: tuple[Any, ...]) -> tuple[str, str]:
    where = str(loc[0]) if loc else "query"
    name = ".".join(str(part) for part in loc[1:]) or where
    return where, name


def _invalid(error: RequestValidationError) -> ApiError:
    """422 naming each bad parameter; a parameter the route does not take is `unknown`."""
    errors = []
    for item in error.errors():
        where, name = _location(tuple(item.get("loc", ())))
        message = str(item.get("msg", "invalid value")).removeprefix("Value error, ")
        if item.get("type") == "extra_forbidden":
            message = "unknown parameter"
        errors.append(ParameterError(name=name, location=where, message=message))
    return invalid_parameters(errors)


def _http(error: HTTPException, scope: Scope) -> ApiError:
    """Starlette's routing errors (404 for an unknown path, 405 for a method) as problems."""
    titles = {404: "Not found", 405: "Method not allowed"}
    detail = {
        404: f"No resource at {shown_path(scope)}.",
        405: f"{scope['method']} is not allowed here.",
    }.get(error.status_code, str(error.detail))
    headers = dict(error.headers or {})
    allowed = [method.strip() for method in headers.get("Allow", "").split(",")]
    if "GET" in allowed and "HEAD" not in allowed:
        headers["Allow"] = ", ".join([*allowed, "HEAD"])  # the edge answers HEAD as GET
    slug = titles.get(error.status_code, "http-error").lower().replace(" ", "-")
    title = titles.get(error.status_code, "HTTP error")
    return ApiError(error.status_code, slug, title, detail, headers=headers)


def as_problem(error: Exception, scope: Scope) -> ApiError:
    """The problem an error of ANSWERED stands for."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, RequestValidationError):
        return _invalid(error)
    if isinstance(error, HTTPException):
        return _http(error, scope)
    if isinstance(error, QueryTimeout):
        return QUERY_TIMEOUT
    logger.error("database error on %s: %s", scope["path"], error)
    return DATABASE_UNAVAILABLE


def add_handlers(app: FastAPI, problems: Problems) -> None:
    """Answer every error of ANSWERED as a problem."""

    async def answer(request: Request, error: Exception) -> Response:
        return problems.response(as_problem(error, request.scope), request.scope)

    for kind in ANSWERED:
        app.add_exception_handler(kind, answer)
