"""`/v1/participants`: people and groups, with what they attended and signed."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import ParticipantFilters
from app.api.lists import run_list
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS, JSONBytes
from app.errors import not_found
from app.models.page import ItemList
from app.models.participant import ParticipantDetail, ParticipantPublic
from app.queries import participants

router = APIRouter(prefix="/v1/participants", tags=["participants"])


@router.get("", response_model=ItemList[ParticipantPublic], responses=LIST_ERRORS)
def list_participants(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[ParticipantFilters, Query()],
) -> JSONBytes:
    """List people and groups, filtered, sorted and paged."""
    return run_list(
        request,
        reader,
        settings,
        filters,
        participants.list_participants,
        participants.SORT_COLUMNS,
    )


@router.get("/{participant_id}", response_model=ParticipantDetail, responses=DETAIL_ERRORS)
def get_participant(
    participant_id: Annotated[
        str, Path(description="Participant id.", examples=["ebrahim-raisi"], max_length=200)
    ],
    reader: ReaderDep,
) -> JSONBytes:
    """One participant with every visit and meeting they took part in and what they signed."""
    participant = participants.get_participant(reader, participant_id)
    if participant is None:
        raise not_found("participant", participant_id)
    return JSONBytes(participant)
