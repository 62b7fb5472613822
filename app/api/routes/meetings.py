"""`/v1/meetings`: the engagements of every visit."""

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import MeetingFilters
from app.api.lists import run_list
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS, JSONBytes
from app.errors import not_found
from app.models.meeting import MeetingDetail, MeetingPublic
from app.models.page import ItemList
from app.queries import meetings

router = APIRouter(prefix="/v1/meetings", tags=["meetings"])


@router.get("", response_model=ItemList[MeetingPublic], responses=LIST_ERRORS)
def list_meetings(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[MeetingFilters, Query()],
) -> JSONBytes:
    """List meetings, filtered, sorted and paged."""
    return run_list(
        request, reader, settings, filters, meetings.list_meetings, meetings.SORT_COLUMNS
    )


@router.get("/{meeting_id}", response_model=MeetingDetail, responses=DETAIL_ERRORS)
def get_meeting(
    meeting_id: Annotated[
        str,
        Path(
            description="Meeting id.",
            examples=["2023-06-15-havana-raisi-diaz-canel-talks"],
            max_length=200,
        ),
    ],
    reader: ReaderDep,
) -> JSONBytes:
    """One meeting with its participants, statements, agreements and citations."""
    meeting = meetings.get_meeting(reader, meeting_id)
    if meeting is None:
        raise not_found("meeting", meeting_id)
    return JSONBytes(meeting)
