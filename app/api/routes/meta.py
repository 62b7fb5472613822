"""`/v1` (the dataset: version, counts, sources) and `/v1/deletions` (the deletions feed)."""

from typing import Annotated

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from app.api.caching import conditional
from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import IsoTimestamp, NoParams
from app.api.formats import Format, negotiate
from app.api.lists import LIST_FORMATS, page_response
from app.api.offload import run_read
from app.api.paging import decode_cursor, encode_cursor, filters_digest, resume
from app.api.query import documented, from_query
from app.api.responses import LIST_ERRORS, NOT_ACCEPTABLE, JSONBytes
from app.models.change import DeletionPublic
from app.models.dataset import DatasetInfo
from app.models.page import ItemList
from app.queries import changes

router = APIRouter(prefix="/v1", tags=["dataset"])

DATASET_LICENSE = (
    "Facts with citations; each source keeps its own terms (see sources). The project's own "
    "structuring of the data may be reused with attribution."
)
BY_SEQUENCE = "seq"


class DeletionParams(BaseModel):
    """Parameters of `GET /v1/deletions`."""

    model_config = ConfigDict(extra="forbid")

    since: IsoTimestamp = Field(
        description="Deletions at or after this time (ISO 8601; UTC if no offset).",
        examples=["2023-06-16T00:00:00Z"],
    )
    limit: int = Field(default=50, ge=1, le=500, description="Items per page.", examples=[50])
    cursor: str | None = Field(
        default=None, max_length=1000, description="Cursor from `next_cursor`.", examples=[None]
    )
    format: Format | None = Field(
        default=None, description="json (default), csv or ndjson.", examples=["json"]
    )


@router.get("", response_model=DatasetInfo, responses={406: NOT_ACCEPTABLE})
async def get_dataset(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    params: Annotated[NoParams, from_query(NoParams)],
) -> Response:
    """The dataset: its version, record counts per resource, and sources with licences."""
    negotiate(request, None, ("json",))

    def respond() -> Response:
        return JSONBytes({**changes.dataset_summary(reader), "license": DATASET_LICENSE})

    return await run_read(request, reader, lambda: conditional(request, reader, settings, respond))


@router.get(
    "/deletions",
    response_model=ItemList[DeletionPublic],
    responses=LIST_ERRORS,
    openapi_extra=documented(DeletionParams),
)
async def list_deletions(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    params: Annotated[DeletionParams, from_query(DeletionParams)],
) -> Response:
    """Records that loads removed since a time, oldest first (poll it with `updated_since`)."""
    answer_in = negotiate(request, params.format, LIST_FORMATS)
    digest = filters_digest({"since": params.since})
    position = None
    if params.cursor is not None:
        position = decode_cursor(params.cursor, BY_SEQUENCE, digest, settings.cursor_secret)

    def respond() -> Response:
        version = reader.data_version()
        resumed = resume(position, version)
        after = None if resumed is None else resumed[0]
        items, total, next_after = changes.list_deletions(reader, params.since, after, params.limit)
        next_cursor = None
        if next_after is not None:
            next_cursor = encode_cursor(
                BY_SEQUENCE, (next_after, None), digest, settings.cursor_secret, version
            )
        return page_response(request, answer_in, DeletionPublic, items, total, next_cursor)

    alike = f"{request.scope['path']} {digest}"  # the cursor and page size aside
    return await run_read(
        request, reader, lambda: conditional(request, reader, settings, respond), alike
    )
