"""`/v1/visits`: who visited whom, when and where, with everything that happened."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.caching import conditional
from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import (
    AgreementFilters,
    MeetingFilters,
    OnePageParams,
    VisitFilters,
    VisitPartParams,
)
from app.api.formats import negotiate
from app.api.lists import detail_response, page_response, run_list
from app.api.query import ApiRoute, from_query
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS
from app.errors import not_found
from app.models.agreement import AgreementPublic
from app.models.meeting import MeetingPublic
from app.models.page import ItemList
from app.models.participant import ParticipationPublic
from app.models.visit import VisitDetail, VisitPublic
from app.queries import agreements, meetings, participants, visits

router = APIRouter(prefix="/v1/visits", tags=["visits"], route_class=ApiRoute)

VisitId = Annotated[
    str, Path(description="Visit id.", examples=["2023-06-raisi-cuba"], max_length=200)
]


@router.get("", response_model=ItemList[VisitPublic], responses=LIST_ERRORS)
async def list_visits(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[VisitFilters, from_query(VisitFilters)],
) -> Response:
    """List visits (compact), filtered, sorted and paged."""
    return await run_list(
        request, reader, settings, filters, visits.list_visits, visits.SORT_COLUMNS, VisitPublic
    )


@router.get("/{visit_id}", response_model=VisitDetail, responses=DETAIL_ERRORS)
async def get_visit(
    request: Request, visit_id: VisitId, reader: ReaderDep, settings: SettingsDep
) -> Response:
    """One visit with its meetings, agreements, participants, statements and citations."""
    return detail_response(
        request, reader, settings, lambda: visits.get_visit(reader, visit_id), "visit", visit_id
    )


def _require_visit(reader: ReaderDep, visit_id: str) -> None:
    if not visits.visit_exists(reader, visit_id):
        raise not_found("visit", visit_id)


@router.get("/{visit_id}/meetings", response_model=ItemList[MeetingPublic], responses=DETAIL_ERRORS)
async def list_visit_meetings(
    request: Request,
    visit_id: VisitId,
    reader: ReaderDep,
    settings: SettingsDep,
    params: Annotated[VisitPartParams, from_query(VisitPartParams)],
) -> Response:
    """A visit's meetings, by date (undated first)."""
    _require_visit(reader, visit_id)
    filters = MeetingFilters(
        limit=params.limit, cursor=params.cursor, format=params.format, visit=visit_id
    )
    return await run_list(
        request,
        reader,
        settings,
        filters,
        meetings.list_meetings,
        meetings.SORT_COLUMNS,
        MeetingPublic,
    )


@router.get(
    "/{visit_id}/agreements", response_model=ItemList[AgreementPublic], responses=DETAIL_ERRORS
)
async def list_visit_agreements(
    request: Request,
    visit_id: VisitId,
    reader: ReaderDep,
    settings: SettingsDep,
    params: Annotated[VisitPartParams, from_query(VisitPartParams)],
) -> Response:
    """What was signed or agreed during a visit."""
    _require_visit(reader, visit_id)
    filters = AgreementFilters(
        limit=params.limit, cursor=params.cursor, format=params.format, visit=visit_id, sort="id"
    )
    return await run_list(
        request,
        reader,
        settings,
        filters,
        agreements.list_agreements,
        agreements.SORT_COLUMNS,
        AgreementPublic,
    )


@router.get(
    "/{visit_id}/participants",
    response_model=ItemList[ParticipationPublic],
    responses=DETAIL_ERRORS,
)
async def list_visit_participants(
    request: Request,
    visit_id: VisitId,
    reader: ReaderDep,
    settings: SettingsDep,
    params: Annotated[OnePageParams, from_query(OnePageParams)],
) -> Response:
    """Everyone who took part in a visit, with role and title (all on one page)."""
    answer_in = negotiate(request, params.format, ("json", "csv", "ndjson"))

    def respond() -> Response:
        _require_visit(reader, visit_id)
        items = participants.participants_of_visit(reader, visit_id)
        return page_response(request, answer_in, ParticipationPublic, items, len(items), None)

    return conditional(request, reader, settings, respond)
