"""`/v1/tours`: multi-country trips with their legs in order."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import TourFilters
from app.api.lists import detail_response, run_list
from app.api.query import ApiRoute, from_query
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS
from app.models.page import ItemList
from app.models.tour import TourDetail, TourPublic
from app.queries import tours

router = APIRouter(prefix="/v1/tours", tags=["tours"], route_class=ApiRoute)


@router.get("", response_model=ItemList[TourPublic], responses=LIST_ERRORS)
async def list_tours(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[TourFilters, from_query(TourFilters)],
) -> Response:
    """List tours with their legs, filtered, sorted and paged."""
    return await run_list(
        request, reader, settings, filters, tours.list_tours, tours.SORT_COLUMNS, TourPublic
    )


@router.get("/{tour_id}", response_model=TourDetail, responses=DETAIL_ERRORS)
async def get_tour(
    request: Request,
    tour_id: Annotated[
        str, Path(description="Tour id.", examples=["2023-06-raisi-latin-america"], max_length=200)
    ],
    reader: ReaderDep,
    settings: SettingsDep,
) -> Response:
    """One tour with its legs in order and its citations."""
    return detail_response(
        request, reader, settings, lambda: tours.get_tour(reader, tour_id), "tour", tour_id
    )
