"""`/v1/participants`: people and groups, with what they attended and signed."""

from app.api.filters import ParticipantCriteria, ParticipantFilters
from app.api.resource import Detail, Resource
from app.models.participant import ParticipantDetail, ParticipantPublic
from app.queries import participants

PARTICIPANTS = Resource(
    name="participants",
    singular="participant",
    about="People and named groups, with what they attended and signed.",
    filters=ParticipantFilters,
    criteria=ParticipantCriteria,
    listing=participants.list_participants,
    item=ParticipantPublic,
    list_summary="List people and groups, filtered, sorted and paged.",
    detail=Detail(
        model=ParticipantDetail,
        get=participants.get_participant,
        summary="One participant with every visit and meeting they took part in and what they "
        "signed.",
        id_name="participant_id",
        id_description="Participant id.",
        id_example="ebrahim-raisi",
    ),
)
