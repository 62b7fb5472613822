"""The pages: `/`, a list page and a record page per resource, a country's page, search.

Each page reads through `app.pages.data` and answers as the API does: ETag and 304,
`Cache-Control`, gzip (the app's middleware); lists and search off the event loop when slow.
Like the API's lists and records, the pages are on the fast path (`FAST_ROUTES`,
app/api/fast_path.py): a page's route and its row in that table call the same function.
"""

import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import RedirectResponse
from markupsafe import Markup
from pydantic import Field, create_model

from app.api.fast_path import FastRoute
from app.api.filters import NoParams
from app.api.lists import no_words
from app.api.offload import run_read, where_it_reads
from app.api.paging import decode_cursor, encode_cursor, filters_digest, resume
from app.api.query import from_query, parse_query
from app.config import Settings
from app.edge.headers import accepts_gzip
from app.errors import not_found
from app.pages import data
from app.pages.forms import controls
from app.pages.home import home_html
from app.pages.lists import FormParams, form_controls, given, list_view, page_model
from app.pages.records import record_html
from app.pages.render import (
    STYLESHEET,
    Site,
    SiteDep,
    answer,
    html_response,
    page,
    query_string,
    site_of,
)
from app.pages.rows import hits as hits_html
from app.pages.stored import stored_home, stored_record
from app.queries.common import NoSearchWords
from app.storage import Reader

router = APIRouter(include_in_schema=False)
# The first segment of every page's path (`/` has ''): where a kept page may be sent from.
ROOTS = ("", *data.RESOURCES, "search")
NoQuery = Annotated[NoParams, from_query(NoParams)]  # a page that takes no parameters

RANKED = "rank"
BACK = "-rank"  # the previous page's cursors: the hits before a hit, in reverse order
Handler = Callable[..., Coroutine[Any, Any, Response]]
# A page as the fast path calls it: the request, the site, the parameters (parsed already by
# the route, or None: parsed from the query string) and the record's id ('' for no record).
Answer = Callable[[Request, Site, Any, str], Awaitable[Response]]
ID_MAX_LENGTH = 200

SearchPage = create_model(
    "SearchPage",
    __base__=(FormParams, data.SearchParams),
    q=(str | None, Field(default=None, min_length=1, max_length=500)),
    before=(
        str | None,
        Field(default=None, max_length=1000, description="Cursor of the previous page."),
    ),
)
SEARCH_CONTROLS = controls(SearchPage)


@router.get(STYLESHEET.url)
async def stylesheet(params: NoQuery) -> Response:
    """The pages' stylesheet (its address changes with its content: cached for a year)."""
    return Response(
        STYLESHEET.body,
        media_type="text/css; charset=utf-8",
        headers={"Cache-Control": "public, max-age=31536000, immutable", "ETag": STYLESHEET.etag},
    )


@router.get("/")
async def home(request: Request, site: SiteDep, params: NoQuery) -> Response:
    """What the data holds, one search box, the latest visits, links to everything else."""
    return await answer_home(request, site, params, "")


async def answer_home(request: Request, site: Site, params: Any, _: str) -> Response:
    """The home page."""
    if params is None:
        await parse_query(NoParams, request)

    def respond() -> Response:
        made = stored_home(site.reader, accepts_gzip(request.scope))
        return made if made is not None else html_response(home_html(site.reader))

    return await where_it_reads(request, site.reader, lambda: answer(request, site, respond))


def _list_page(resource: data.Resource) -> tuple[Handler, Answer]:
    model = page_model(resource)

    async def list_page(
        request: Request, site: SiteDep, params: Annotated[Any, from_query(model)]
    ) -> Response:
        return await answer_list(request, site, params, "")

    async def answer_list(request: Request, site: Site, params: Any, _: str) -> Response:
        if params is None:
            params = await parse_query(model, request)
        shown = given(request.query_params)
        if params.format is not None:  # the same list in a format of the API's: the API
            kept = {k: v for k, v in shown.items() if k != "before"}
            return RedirectResponse(f"/v1/{resource.name}" + query_string(kept), 307)

        def respond() -> Response:
            view = list_view(site.reader, site.settings, resource, params, shown)
            context = {
                "resource": resource,
                "view": view,
                "controls": form_controls(resource),
                "values": shown,
                "bad": {},
            }
            return page(request, "list.html", context)

        key = f"{request.scope['path']} {request.scope['query_string']!r}"
        return await run_read(request, site.reader, lambda: answer(request, site, respond), key)

    list_page.__doc__ = f"{resource.title}: filters, facets and pages."
    return list_page, answer_list


def _record_page(resource: data.Resource) -> tuple[Handler, Answer]:
    async def record_page(
        request: Request,
        record_id: Annotated[str, Path(max_length=ID_MAX_LENGTH)],
        site: SiteDep,
        params: NoQuery,
    ) -> Response:
        return await answer_record(request, site, params, record_id)

    async def answer_record(request: Request, site: Site, _: Any, record_id: str) -> Response:
        # The fast path sends no query string here (the route refuses any).
        def respond() -> Response:
            made = stored_record(site.reader, resource, record_id, accepts_gzip(request.scope))
            if made is not None:
                return made
            record = resource.get(site.reader, record_id)
            if record is None:
                raise not_found(resource.singular, record_id)
            return html_response(record_html(site.reader, resource, record))

        return await where_it_reads(request, site.reader, lambda: answer(request, site, respond))

    record_page.__doc__ = f"One {resource.singular}: every fact with its sources."
    return record_page, answer_record


def _fast(answer_page: Answer) -> Callable[[Request, Reader, Settings, str], Awaitable[Response]]:
    """A page as the fast path's table calls it."""

    async def fast(request: Request, _: Reader, __: Settings, record_id: str) -> Response:
        return await answer_page(request, site_of(request), None, record_id)

    return fast


# The pages' rows of the fast path's table, filled below beside their routes.
FAST_ROUTES: list[FastRoute] = []


def _add(path: str, handler: Handler, answer_page: Answer, name: str) -> None:
    router.add_api_route(path, handler, name=name)
    if "{record_id}" in path:
        pattern = re.escape(path.replace("/{record_id}", "")) + "/([^/]+)"
        FAST_ROUTES.append(
            FastRoute(re.compile(pattern), _fast(answer_page), ID_MAX_LENGTH, takes_query=False)
        )
    else:
        FAST_ROUTES.append(FastRoute(re.compile(re.escape(path)), _fast(answer_page), 0))


FAST_ROUTES.append(FastRoute(re.compile("/"), _fast(answer_home), 0))
for _resource in data.RESOURCES.values():
    _add(f"/{_resource.name}", *_list_page(_resource), f"{_resource.name}_page")
    _add(f"/{_resource.name}/{{record_id}}", *_record_page(_resource), f"{_resource.singular}_page")


@router.get("/search")
async def search_page(
    request: Request, site: SiteDep, params: Annotated[Any, from_query(SearchPage)]
) -> Response:
    """One search box over every record: typed, ranked results, matches highlighted."""
    return await answer_search(request, site, params, "")


async def answer_search(request: Request, site: Site, params: Any, _: str) -> Response:
    """The search page."""
    if params is None:
        params = await parse_query(SearchPage, request)
    shown = given(request.query_params)
    if params.q is None:
        return answer(
            request,
            site,
            lambda: page(
                request,
                "search.html",
                {"values": shown, "results": None, "controls": SEARCH_CONTROLS},
            ),
        )
    digest = filters_digest({"q": params.q, "type": params.type})
    secret = site.settings.cursor_secret
    position = (
        None if params.cursor is None else decode_cursor(params.cursor, RANKED, digest, secret)
    )
    back = (
        None
        if params.before is None
        else decode_cursor(params.before, BACK, digest, secret, "before")
    )

    def respond() -> Response:
        version = site.reader.data_version()
        after, before = resume(position, version), resume(back, version)
        try:
            hits = data.search(site.reader, params.q, params.type, after, before, params.limit)
        except NoSearchWords:
            raise no_words() from None
        first = {k: v for k, v in shown.items() if k not in ("cursor", "before")}
        previous_url = next_url = None
        if hits.first is not None:  # a cursor for the reverse order, as a list page's
            at = encode_cursor(BACK, hits.first, digest, secret, version)
            previous_url = "/search" + query_string({**first, "before": at})
        if hits.last is not None:
            at = encode_cursor(RANKED, hits.last, digest, secret, version)
            next_url = "/search" + query_string({**first, "cursor": at})
        written = data.kept_html(
            site.reader,
            (params.q, params.type, after, before, params.limit),
            len(hits.items),
            lambda: hits_html(hits.items),
        )
        context = {
            "values": shown,
            "results": hits.items,
            "hits": Markup(written),  # noqa: S704 (every value escaped: app/pages/rows.py)
            "total": hits.total,
            "previous_url": previous_url,
            "next_url": next_url,
            "first_url": "/search" + query_string(first) if after or before else None,
            "controls": SEARCH_CONTROLS,
        }
        return page(request, "search.html", context)

    alike = f"{request.scope['path']} {digest}"
    return await run_read(request, site.reader, lambda: answer(request, site, respond), alike)


FAST_ROUTES.append(FastRoute(re.compile("/search"), _fast(answer_search), 0))
