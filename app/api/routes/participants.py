"""`/v1/participants`: people and groups, with what they attended and signed."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import ParticipantFilters
from app.api.lists import detail_response, run_list
from app.api.query import ApiRoute, from_query
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS
from app.models.page import ItemList
from app.models.participant import ParticipantDetail, ParticipantPublic
from app.queries import participants

router = APIRouter(prefix="/v1/participants", tags=["participants"], route_class=ApiRoute)


@router.get("", response_model=ItemList[ParticipantPublic], responses=LIST_ERRORS)
async def list_participants(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[ParticipantFilters, from_query(ParticipantFilters)],
) -> Response:
    """List people and groups, filtered, sorted and paged."""
    return await run_list(
        request,
        reader,
        settings,
        filters,
        participants.list_participants,
        participants.SORT_COLUMNS,
        ParticipantPublic,
    )


@router.get("/{participant_id}", response_model=ParticipantDetail, responses=DETAIL_ERRORS)
async def get_participant(
    request: Request,
    participant_id: Annotated[
        str, Path(description="Participant id.", examples=["ebrahim-raisi"], max_length=200)
    ],
    reader: ReaderDep,
    settings: SettingsDep,
) -> Response:
    """One participant with every visit and meeting they took part in and what they signed."""
    return detail_response(
        request,
        reader,
        settings,
        lambda: participants.get_participant(reader, participant_id),
        "participant",
        participant_id,
    )
