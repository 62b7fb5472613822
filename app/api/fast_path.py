"""The fast path: a plain GET of a list (`/v1/visits?country=CU`) or of one record by id
(`/v1/visits/{visit_id}`) answered from an explicit table, without FastAPI's routing and
dependency solving.

The table is made from the resource declarations (`routes()`): a row per resource for its list
and one for its detail, with that resource's `answer_list` or `answer_detail`, which its FastAPI
routes call too (a list parses its query string with the route's own query model), and a row for
`/v1/search`, whose route calls the same answer. `FastPath`
sits innermost in the edge, so the access log, the security headers, CORS, the clock and gzip
see its answers as any other. It answers only what it can answer exactly as the route would: a
GET, with no query string for a record's page, an id within the route's length limit, no dependency
overridden. Any other request goes on to FastAPI untouched. What the handler raises is answered
by the same problem the exception handlers give (tests/api/test_fast_path.py compares the two
paths). The answer kept for the request at this data version (app/api/kept.py) is sent
before anything parses it. Why a fast path at all:
docs/decisions/0011-fast-path-to-details.md.
"""

import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass

from fastapi import Request, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.handlers import ANSWERED, as_problem
from app.api.kept import kept_answer
from app.api.resource import Resource
from app.config import Settings
from app.edge.problems import Problems
from app.storage import Reader

# How a row answers: the request, the reader, the settings and the id ("" for a list).
Answer = Callable[[Request, Reader, Settings, str], Awaitable[Response]]


@dataclass(frozen=True)
class FastRoute:
    """One row of the table: a path and how to answer for it."""

    pattern: re.Pattern[str]  # a detail's has one group, the id
    answer: Answer
    max_length: int  # of the id; 0 for a list, which takes the query string instead
    # Whether the answer reads the query string; one that does not (a record's page) leaves a
    # request with one to FastAPI, whose validation refuses the unknown parameters.
    takes_query: bool = True


def routes(
    resources: Iterable[Resource], others: Mapping[str, Answer] | None = None
) -> list[FastRoute]:
    """The table: one row per resource for its list, one per resource with a detail, and
    one per other path that reads its query string as a list does (`others`: the search)."""
    table = [
        FastRoute(re.compile(re.escape(resource.path)), _list_answer(resource), 0)
        for resource in resources
    ]
    table += [
        FastRoute(re.compile(re.escape(path)), answer, 0) for path, answer in (others or {}).items()
    ]
    table += [
        FastRoute(
            re.compile(re.escape(resource.path) + "/([^/]+)"),
            resource.answer_detail,
            resource.detail.id_max_length,
        )
        for resource in resources
        if resource.detail is not None
    ]
    return table


def _list_answer(
    resource: Resource,
) -> Callable[[Request, Reader, Settings, str], Awaitable[Response]]:
    async def answer(request: Request, reader: Reader, settings: Settings, _: str) -> Response:
        return await resource.answer_list(request, reader, settings)

    return answer


class FastPath:
    """Answers a plain GET of a record by id from the table (see above)."""

    def __init__(self, app: ASGIApp, table: list[FastRoute], problems: Problems) -> None:
        self.app = app
        self.table = table
        self.problems = problems

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The record's answer, or the request passed on unchanged."""
        if scope["type"] == "http" and scope["method"] == "GET":
            response = await self._answer(scope, receive, send)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _answer(self, scope: Scope, receive: Receive, send: Send) -> Response | None:
        app = scope["app"]
        if app.dependency_overrides:  # a test's replacements apply to FastAPI's routes only
            return None
        path = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):  # as Starlette's routing reads it
            path = path[len(root) :]
        for route in self.table:
            matched = route.pattern.fullmatch(path)
            if matched is not None:
                break
        else:
            return None
        if scope["query_string"] and not route.takes_query:
            return None
        record_id = ""
        if route.max_length:
            record_id = matched[1]
            if len(record_id) > route.max_length:
                return None  # FastAPI's validation names the parameter
        request = Request(scope, receive, send)
        kept = await kept_answer(request, app.state.reader)
        if kept is not None:
            return kept
        try:
            return await route.answer(request, app.state.reader, app.state.settings, record_id)
        except ANSWERED as error:
            return self.problems.response(as_problem(error, scope), scope)
