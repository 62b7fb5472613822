"""`/v1/meetings`: the engagements of every visit."""

from app.api.filters import MeetingCriteria, MeetingFilters
from app.api.resource import Detail, Resource
from app.models.meeting import MeetingDetail, MeetingPublic
from app.queries import meetings

MEETINGS = Resource(
    name="meetings",
    singular="meeting",
    about="Engagements during a visit: talks, ceremonies, site visits.",
    filters=MeetingFilters,
    criteria=MeetingCriteria,
    listing=meetings.list_meetings,
    item=MeetingPublic,
    list_summary="List meetings, filtered, sorted and paged.",
    detail=Detail(
        model=MeetingDetail,
        get=meetings.get_meeting,
        summary="One meeting with its participants, statements, agreements and citations.",
        id_name="meeting_id",
        id_description="Meeting id.",
        id_example="2023-06-15-havana-raisi-diaz-canel-talks",
    ),
)
