"""`/v1/visits`: who visited whom, when and where, with everything that happened."""

from app.api.filters import VisitCriteria, VisitFilters
from app.api.resource import Detail, PagedPart, Resource, WholePart
from app.api.routes.agreements import AGREEMENTS
from app.api.routes.meetings import MEETINGS
from app.models.participant import ParticipationPublic
from app.models.visit import VisitDetail, VisitPublic
from app.queries import participants, visits

VISITS = Resource(
    name="visits",
    singular="visit",
    about="Stays of a visitor in a host country, with their parts.",
    filters=VisitFilters,
    criteria=VisitCriteria,
    listing=visits.list_visits,
    item=VisitPublic,
    list_summary="List visits (compact), filtered, sorted and paged.",
    detail=Detail(
        model=VisitDetail,
        get=visits.get_visit,
        summary="One visit with its meetings, agreements, participants, statements and citations.",
        id_name="visit_id",
        id_description="Visit id.",
        id_example="2023-06-raisi-cuba",
    ),
    exists=visits.visit_exists,
    parts=(
        PagedPart(
            "meetings", MEETINGS, by="visit", summary="A visit's meetings, by date (undated first)."
        ),
        PagedPart(
            "agreements",
            AGREEMENTS,
            by="visit",
            sort="id",
            summary="What was signed or agreed during a visit.",
        ),
        WholePart(
            "participants",
            ParticipationPublic,
            participants.participants_of_visit,
            summary="Everyone who took part in a visit, with role and title (all on one page).",
        ),
    ),
)
