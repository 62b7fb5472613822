"""One record by id, its route's handler called directly: FastAPI's routing and dependency
solving skipped where there is nothing for them to do.

A detail route (`GET /v1/visits/{visit_id}`, ...) takes one path parameter, the reader and
the settings. FastAPI still walks its routers to find it and solves its dependencies one by
one, each with its own pass over the request's parameters: 45% of the instructions of a
visit by id once the visit's detail was stored. `Shortcut` sits inside every other
middleware (the access log, the security headers, CORS, the clock, gzip see its answers as
they see any other) and, for a plain GET of such a route, calls the route's own handler
with what FastAPI would have given it.

It answers only when it can answer exactly as the route would: a GET without a query string,
an id within its length limit, no dependency overridden, and a handler that answers. What the
handler raises (a 404, a 406, a database error) is answered by the app's own exception
handler for it, as FastAPI would; a request it does not take (a query string, another path)
goes on to FastAPI untouched. tests/api/test_shortcut.py compares the two.

Only routes of routers included as they are (no prefix, no dependencies of the inclusion)
and async handlers that take nothing but the request, the id, the reader and the settings
qualify (`detail_route`).
"""

import inspect
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from re import Pattern
from typing import Any

from annotated_types import MaxLen
from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.deps import get_app_settings, get_reader
from app.api.query import query_models
from app.errors import ApiError
from app.storage import QueryTimeout

# The dependencies a shortcut resolves itself: what each gives, from the app's state.
STATE: dict[Callable[..., Any], str] = {get_reader: "reader", get_app_settings: "settings"}


@dataclass(frozen=True)
class DetailRoute:
    """A route the shortcut may answer for: its path, its handler and how to call it."""

    path: Pattern[str]
    endpoint: Callable[..., Any]
    parameter: str  # the path parameter (the id)
    max_length: int | None
    request_as: str | None  # the handler's Request parameter, if it takes one
    state_as: dict[str, str]  # the handler's parameter -> the app.state attribute


def _routes(routes: list[BaseRoute]) -> Iterator[BaseRoute]:
    """Every route, those of routers included as they are too, in the order they are
    matched (a router included with a prefix or dependencies of its own is left out)."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is None:
            yield route
            continue
        context = route.include_context  # type: ignore[attr-defined]
        if not context.prefix and not context.dependencies:
            yield from _routes(included.routes)


def detail_route(route: BaseRoute) -> DetailRoute | None:
    """The DetailRoute of a route the shortcut can call directly, or None."""
    if not isinstance(route, APIRoute) or route.methods != {"GET"}:
        return None
    if not inspect.iscoroutinefunction(route.endpoint):
        return None
    dependant = route.dependant
    if (
        dependant.response_param_name
        or dependant.background_tasks_param_name
        or dependant.security_scopes_param_name
        or dependant.query_params
        or dependant.header_params
        or dependant.cookie_params
        or dependant.body_params
        or query_models(dependant)
        or len(dependant.path_params) != 1
        or not route.path.endswith("}")
    ):
        return None
    (field,) = dependant.path_params
    lengths = [m.max_length for m in field.field_info.metadata if isinstance(m, MaxLen)]
    if field.field_info.annotation is not str or len(field.field_info.metadata) != len(lengths):
        return None  # a constraint only FastAPI's validation knows
    state_as = {}
    for dependency in dependant.dependencies:
        if dependency.dependencies or dependency.call not in STATE or dependency.name is None:
            return None
        state_as[dependency.name] = STATE[dependency.call]
    return DetailRoute(
        route.path_regex,
        route.endpoint,
        field.name,
        lengths[0] if lengths else None,
        dependant.request_param_name,
        state_as,
    )


def detail_routes(app: FastAPI) -> list[DetailRoute]:
    """The routes of `app` the shortcut answers for."""
    return [found for route in _routes(app.routes) if (found := detail_route(route))]


class Shortcut:
    """Answers a plain GET of a detail route by calling its handler directly (see above)."""

    def __init__(self, app: ASGIApp, routes: list[DetailRoute]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The handler's answer, or the request passed on unchanged."""
        if scope["type"] == "http" and scope["method"] == "GET" and not scope["query_string"]:
            response = await self._answer(scope, receive, send)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> Response | None:
        app = scope["app"]
        if app.dependency_overrides:
            return None
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):  # as Starlette's routing reads it
            path = path[len(root) :]
        for route in self.routes:
            matched = route.path.match(path)
            if matched is not None:
                break
        else:
            return None
        value = matched[route.parameter]
        if route.max_length is not None and len(value) > route.max_length:
            return None
        arguments: dict[str, Any] = {route.parameter: value}
        arguments.update((name, getattr(app.state, kind)) for name, kind in route.state_as.items())
        request = Request(scope, receive, send)
        if route.request_as is not None:
            arguments[route.request_as] = request
        try:
            response = await route.endpoint(**arguments)
        except (ApiError, QueryTimeout, sqlite3.Error) as error:
            return await _handled(app, request, error)
        return response if isinstance(response, Response) else None


async def _handled(app: FastAPI, request: Request, error: Exception) -> Response | None:
    """The app's exception handler's answer to `error`, as Starlette's exception middleware
    finds it (by the error's class, then its bases)."""
    for kind in type(error).__mro__:
        handler = app.exception_handlers.get(kind)
        if handler is not None:
            answered = handler(request, error)
            response: Response = await answered if inspect.isawaitable(answered) else answered
            return response
    return None
