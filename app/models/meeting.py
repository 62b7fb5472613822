"""Meetings: the engagements of a visit (talks, signing ceremonies, site visits, ...)."""

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field

from app.models.base import (
    ID_MAX_LENGTH,
    Timestamped,
    TimestampsPublic,
    claims_field,
    disputed_field,
    source_ids_field,
)
from app.models.citation import CitationPublic
from app.models.claim import ClaimPublic
from app.models.event_code import EventCodePublic, codes_field
from app.models.participant import ParticipationPublic
from app.models.statement import StatementPublic
from app.models.topic import TopicRef


class Meeting(Timestamped, table=True):
    """One engagement during a visit."""

    __table_args__ = (
        Index(None, "updated_at"),
        Index(None, "date", "id"),
        Index(None, "visit_id", "date", "id"),
        Index(None, "kind", "date", "id"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    visit_id: str = Field(foreign_key="visit.id", ondelete="CASCADE")
    kind: str
    title: str
    date: dt.date | None = None
    venue: str | None = None
    city: str | None = None
    summary: str | None = None


class MeetingPublic(TimestampsPublic):
    """A meeting in a list."""

    id: str = Field(
        description="Stable id of the meeting.", schema_extra={"examples": ["havana-talks"]}
    )
    visit_id: str = Field(
        description="The visit it belongs to.", schema_extra={"examples": ["2023-06-raisi-cuba"]}
    )
    kind: str = Field(
        description="bilateral_talks, signing_ceremony, business_forum, site_visit, "
        "courtesy_call, ...",
        schema_extra={"examples": ["bilateral_talks"]},
    )
    title: str = Field(
        description="Short descriptive title.",
        schema_extra={"examples": ["Talks between Raisi and Diaz-Canel"]},
    )
    date: dt.date | None = Field(
        description="Date (ISO 8601); null when the source gives none.",
        schema_extra={"examples": ["2023-06-15"]},
    )
    venue: str | None = Field(
        description="Venue.", schema_extra={"examples": ["Palace of the Revolution"]}
    )
    city: str | None = Field(description="City.", schema_extra={"examples": ["Havana"]})
    summary: str | None = Field(
        description="What happened, in brief.",
        schema_extra={
            "examples": [
                "The two leaders explored various ways and means to foster bilateral relations."
            ]
        },
    )
    topics: list[TopicRef] = Field(description="Fields of cooperation discussed.")
    disputed: list[str] = disputed_field()
    source_ids: list[str] = source_ids_field()


class MeetingDetail(MeetingPublic):
    """One meeting with its participants, statements and citations."""

    codes: list[EventCodePublic] = codes_field()
    participants: list[ParticipationPublic] = Field(
        description="Who took part, with role and title."
    )
    statements: list[StatementPublic] = Field(description="What was said there.")
    agreement_ids: list[str] = Field(
        description="Agreements signed or agreed at this meeting.",
        schema_extra={"examples": [["havana-cooperation-documents"]]},
    )
    citations: list[CitationPublic] = Field(description="Where it is reported.")
    claims: dict[str, list[ClaimPublic]] = claims_field()
