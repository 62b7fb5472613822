"""Table models and their API models; importing this package registers every table."""

from app.models.agreement import Agreement, AgreementParty, AgreementSignatory
from app.models.base import Timestamped
from app.models.change import DatasetPart, DataVersion, Deletion
from app.models.citation import Citation
from app.models.claim import Claim
from app.models.country import Country
from app.models.event_code import EventCode
from app.models.external_id import ExternalId
from app.models.meeting import Meeting
from app.models.participant import Participant, ParticipantAlias, Participation
from app.models.source import Source
from app.models.statement import Statement
from app.models.topic import AgreementTopic, MeetingTopic, Topic, VisitTopic
from app.models.tour import Tour
from app.models.visit import Visit

__all__ = [
    "Agreement",
    "AgreementParty",
    "AgreementSignatory",
    "AgreementTopic",
    "Citation",
    "Claim",
    "Country",
    "DataVersion",
    "DatasetPart",
    "Deletion",
    "EventCode",
    "ExternalId",
    "Meeting",
    "MeetingTopic",
    "Participant",
    "ParticipantAlias",
    "Participation",
    "Source",
    "Statement",
    "Timestamped",
    "Topic",
    "Tour",
    "Visit",
    "VisitTopic",
]
