"""`/v1/countries`: ISO 3166-1 countries with counts of visits made and hosted."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import CountryFilters
from app.api.lists import detail_response, run_list
from app.api.query import ApiRoute, from_query
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS
from app.countries import lookup_country
from app.models.country import CountryPublic
from app.models.page import ItemList
from app.queries import vocabularies

router = APIRouter(prefix="/v1/countries", tags=["countries"], route_class=ApiRoute)


@router.get("", response_model=ItemList[CountryPublic], responses=LIST_ERRORS)
async def list_countries(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[CountryFilters, from_query(CountryFilters)],
) -> Response:
    """List countries with how many visits each made and hosted."""
    return await run_list(
        request,
        reader,
        settings,
        filters,
        vocabularies.list_countries,
        vocabularies.COUNTRY_SORT_COLUMNS,
        CountryPublic,
    )


@router.get("/{code}", response_model=CountryPublic, responses=DETAIL_ERRORS)
async def get_country(
    request: Request,
    code: Annotated[
        str,
        Path(
            description="ISO 3166-1 alpha-2 or alpha-3 code, any case.",
            examples=["CU"],
            max_length=3,
        ),
    ],
    reader: ReaderDep,
    settings: SettingsDep,
) -> Response:
    """One country with how many visits it made and hosted."""
    known = lookup_country(code)
    return detail_response(
        request,
        reader,
        settings,
        lambda: vocabularies.get_country(reader, known.code) if known else None,
        "country",
        code,
    )
