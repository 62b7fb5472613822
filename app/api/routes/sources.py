"""`/v1/sources`: the documents every fact is taken from."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import SourceFilters
from app.api.lists import detail_response, run_list
from app.api.query import ApiRoute, from_query
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS
from app.models.page import ItemList
from app.models.source import SourceDetail, SourcePublic
from app.queries import vocabularies

router = APIRouter(prefix="/v1/sources", tags=["sources"], route_class=ApiRoute)


@router.get("", response_model=ItemList[SourcePublic], responses=LIST_ERRORS)
async def list_sources(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[SourceFilters, from_query(SourceFilters)],
) -> Response:
    """List sources with how many citations point to each."""
    return await run_list(
        request,
        reader,
        settings,
        filters,
        vocabularies.list_sources,
        vocabularies.SOURCE_SORT_COLUMNS,
        SourcePublic,
    )


@router.get("/{source_id}", response_model=SourceDetail, responses=DETAIL_ERRORS)
async def get_source(
    request: Request,
    source_id: Annotated[
        str,
        Path(description="Source id.", examples=["tdi-2023-06-16-raisi-havana"], max_length=200),
    ],
    reader: ReaderDep,
    settings: SettingsDep,
) -> Response:
    """One source with its full text where the project holds it."""
    return detail_response(
        request,
        reader,
        settings,
        lambda: vocabularies.get_source(reader, source_id),
        "source",
        source_id,
    )
