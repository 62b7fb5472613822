"""`/v1/search`: one search box over every resource."""

from typing import Annotated

from fastapi import APIRouter, Request, Response

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import SearchParams
from app.api.formats import negotiate
from app.api.lists import LIST_FORMATS, kept_or_made, no_words, page_response
from app.api.offload import run_read
from app.api.paging import decode_cursor, encode_cursor, filters_digest, resume
from app.api.query import documented, from_query, parse_query
from app.api.responses import LIST_ERRORS
from app.config import Settings
from app.models.page import ItemList, SearchHit
from app.queries import search as search_queries
from app.queries.common import NoSearchWords
from app.storage import Reader

PATH = "/v1/search"
router = APIRouter(prefix=PATH, tags=["search"])

RANKED = "rank"


@router.get(
    "",
    response_model=ItemList[SearchHit],
    responses=LIST_ERRORS,
    openapi_extra=documented(SearchParams),
)
async def search(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    params: Annotated[SearchParams, from_query(SearchParams)],
) -> Response:
    """Find records of every type by words, best match first."""
    return await answer(request, reader, settings, params)


async def fast_answer(request: Request, reader: Reader, settings: Settings, _: str) -> Response:
    """The answer on the fast path (app/api/fast_path.py): the query string parsed as the
    route's dependency parses it."""
    return await answer(request, reader, settings, await parse_query(SearchParams, request))


async def answer(
    request: Request, reader: Reader, settings: Settings, params: SearchParams
) -> Response:
    """One page of hits for `params`, in the format asked for, revalidated by ETag."""
    answer_in = negotiate(request, params.format, LIST_FORMATS)
    digest = filters_digest({"q": params.q, "type": params.type})
    position = None
    if params.cursor is not None:
        position = decode_cursor(params.cursor, RANKED, digest, settings.cursor_secret)

    def respond() -> Response:
        version = reader.data_version()
        after = resume(position, version)
        try:
            items, total, next_after, capped = search_queries.search(
                reader, params.q, params.type, after, params.limit
            )
        except NoSearchWords:
            raise no_words() from None
        next_cursor = None
        if next_after is not None:
            next_cursor = encode_cursor(RANKED, next_after, digest, settings.cursor_secret, version)
        return page_response(
            request, answer_in, SearchHit, items, total, next_cursor, total_is_lower_bound=capped
        )

    alike = f"{request.scope['path']} {digest}"  # the cursor and page size aside
    return await run_read(
        request, reader, lambda: kept_or_made(request, reader, settings, respond), alike
    )
