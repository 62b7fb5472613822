"""Running a list query from its parameters: cursor in, page out in the asked format."""

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Protocol

from fastapi import Request, Response
from pydantic import BaseModel

from app.api.caching import conditional
from app.api.fields import chosen, picked, picked_detail
from app.api.formats import MEDIA_TYPES, Format, csv_lines, ndjson_lines, negotiate
from app.api.kept import KeptAnswers
from app.api.offload import run_read
from app.api.paging import (
    decode_cursor,
    encode_cursor,
    filters_digest,
    next_page_url,
    resume,
)
from app.api.responses import JSONBytes, gzipped_json
from app.config import Settings
from app.edge.headers import accepts_gzip
from app.errors import ApiError, invalid_parameter, not_found
from app.queries.common import Gzipped, Item, NoSearchWords, parse_sort
from app.queries.listing import Listing
from app.storage import Reader

LIST_FORMATS: tuple[Format, ...] = ("json", "csv", "ndjson")


class SortedParams(Protocol):
    """List parameters with a sort."""

    @property
    def sort(self) -> str:
        """`field` or `-field`."""

    @property
    def limit(self) -> int:
        """Page size."""

    @property
    def cursor(self) -> str | None:
        """Where the page starts."""

    @property
    def format(self) -> Format | None:
        """The format asked for in the query string."""

    def criteria(self) -> dict[str, Any]:
        """The filters alone."""


def no_words() -> ApiError:
    """422 for a `q` that holds nothing to search for."""
    return invalid_parameter("q", "nothing to search for: give at least one letter or digit")


def page_response(
    request: Request,
    answer_in: Format,
    model: type[BaseModel],
    items: Sequence[Item],
    total: int,
    next_cursor: str | None,
    facets: dict[str, Any] | None = None,
    total_is_lower_bound: bool = False,
    facets_are_lower_bounds: bool = False,
    fields: tuple[str, ...] | None = None,
) -> Response:
    """One page as JSON (`{items, total, next_cursor}`), CSV or NDJSON, with a next `Link`;
    counts that stopped at their bound say so; with `fields`, the items hold those alone."""
    headers = {}
    if fields is not None and answer_in != "csv":
        items = picked(items, fields)
    if next_cursor is not None:
        headers["Link"] = f'<{next_page_url(request.url, next_cursor)}>; rel="next"'
    if answer_in == "json":
        body: dict[str, Any] = {"items": items, "total": total, "next_cursor": next_cursor}
        if total_is_lower_bound:
            body["total_is_lower_bound"] = True
        if facets is not None:
            body["facets"] = facets
            if facets_are_lower_bounds:
                body["facets_are_lower_bounds"] = True
        return JSONBytes(body, headers=headers)
    headers["X-Total-Count"] = str(total)
    if total_is_lower_bound:
        headers["X-Total-Count-Is-Lower-Bound"] = "true"
    if answer_in == "csv":
        content: bytes = "".join(csv_lines(items, model, fields=fields)).encode()
    else:
        content = b"".join(ndjson_lines(items))
    return Response(content, media_type=MEDIA_TYPES[answer_in], headers=headers)


async def run_list(
    request: Request,
    reader: Reader,
    settings: Settings,
    params: SortedParams,
    query: Listing,
    sort_columns: Mapping[str, str],
    model: type[BaseModel],
) -> Response:
    """One page of `query` for `params`, in the format asked for, revalidated by ETag."""
    answer_in = negotiate(request, params.format, LIST_FORMATS)
    fields = chosen(params)
    criteria = params.criteria()
    digest = filters_digest(criteria)
    position = None
    if params.cursor is not None:
        position = decode_cursor(params.cursor, params.sort, digest, settings.cursor_secret)

    def respond() -> Response:
        version = reader.data_version()
        after = resume(position, version)
        try:
            items, page = query(
                reader,
                criteria,
                parse_sort(params.sort, sort_columns),
                after,
                params.limit,
                for_csv=answer_in == "csv" and fields is None,
            )
        except NoSearchWords:
            raise no_words() from None
        next_cursor = None
        if page.next_after is not None:
            next_cursor = encode_cursor(
                params.sort, page.next_after, digest, settings.cursor_secret, version
            )
        total = page.total or 0  # always counted here: `count` defaults to True
        return page_response(
            request,
            answer_in,
            model,
            items,
            total,
            next_cursor,
            page.facets,
            page.total_is_lower_bound,
            page.facets_are_lower_bounds,
            fields,
        )

    alike = f"{request.scope['path']} {params.sort} {digest}"  # the cursor aside
    return await run_read(
        request, reader, lambda: kept_or_made(request, reader, settings, respond), alike
    )


def kept_or_made(
    request: Request, reader: Reader, settings: Settings, respond: Callable[[], Response]
) -> Response:
    """`respond()` revalidated by ETag, or the answer kept for this request at this data
    version (app/api/kept.py); a 200 made is kept."""
    kept: KeptAnswers = request.app.state.kept_answers
    return conditional(request, reader, settings, respond, kept=kept.for_request(request))


def detail_response(
    request: Request,
    reader: Reader,
    settings: Settings,
    fetch: Callable[[], dict[str, Any] | Gzipped | None],
    resource: str,
    record_id: str,
    fields: tuple[str, ...] | None = None,
) -> Response:
    """One record as JSON (with `fields`, those alone), 404 when there is none, revalidated
    by ETag."""
    negotiate(request, None, ("json",))

    def respond() -> Response:
        record = fetch()
        if record is None:
            raise not_found(resource, record_id)
        if fields is not None:
            return JSONBytes(picked_detail(record, fields))
        if isinstance(record, Gzipped):
            return gzipped_json(record, accepts_gzip(request.scope))
        return JSONBytes(record)

    return kept_or_made(request, reader, settings, respond)
