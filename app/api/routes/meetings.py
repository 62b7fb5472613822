"""`/v1/meetings`: the engagements of every visit."""

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from app.api.deps import ReaderDep, SettingsDep
from app.api.filters import MeetingFilters
from app.api.lists import detail_response, run_list
from app.api.query import ApiRoute, from_query
from app.api.responses import DETAIL_ERRORS, LIST_ERRORS
from app.models.meeting import MeetingDetail, MeetingPublic
from app.models.page import ItemList
from app.queries import meetings

router = APIRouter(prefix="/v1/meetings", tags=["meetings"], route_class=ApiRoute)


@router.get("", response_model=ItemList[MeetingPublic], responses=LIST_ERRORS)
async def list_meetings(
    request: Request,
    reader: ReaderDep,
    settings: SettingsDep,
    filters: Annotated[MeetingFilters, from_query(MeetingFilters)],
) -> Response:
    """List meetings, filtered, sorted and paged."""
    return await run_list(
        request,
        reader,
        settings,
        filters,
        meetings.list_meetings,
        meetings.SORT_COLUMNS,
        MeetingPublic,
    )


@router.get("/{meeting_id}", response_model=MeetingDetail, responses=DETAIL_ERRORS)
async def get_meeting(
    request: Request,
    meeting_id: Annotated[
        str,
        Path(
            description="Meeting id.",
            examples=["2023-06-15-havana-raisi-diaz-canel-talks"],
            max_length=200,
        ),
    ],
    reader: ReaderDep,
    settings: SettingsDep,
) -> Response:
    """One meeting with its participants, statements, agreements and citations."""
    return detail_response(
        request,
        reader,
        settings,
        lambda: meetings.get_meeting(reader, meeting_id),
        "meeting",
        meeting_id,
    )
