"""Visits: one stay of a visitor in a host country, with what happened there."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.agreement import AgreementDetail
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
from app.models.country import CountryRef
from app.models.event_code import EventCodePublic, codes_field
from app.models.meeting import MeetingPublic
from app.models.participant import ParticipantRef, ParticipationPublic
from app.models.statement import StatementPublic
from app.models.topic import TopicRef


class Visit(Timestamped, table=True):
    """A visitor's stay in a host country; dates stay null where no source gives them."""

    # Each list filter and sort has an index whose last column is the id tie-breaker,
    # so keyset pages are index range scans.
    __table_args__ = (
        Index(None, "updated_at"),
        Index(None, "start_date", "id"),
        Index(None, "end_date", "id"),
        Index(None, "host_country_code", "start_date", "id"),
        Index(None, "visitor_country_code", "start_date", "id"),
        Index(None, "visitor_id", "start_date", "id"),
        Index(None, "tour_id", "leg", "id"),
        Index(None, "kind", "start_date", "id"),
        Index(None, "host_country_code", "id"),
        Index(None, "visitor_country_code", "id"),
        Index(None, "city", "id"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    tour_id: str | None = Field(default=None, foreign_key="tour.id", ondelete="SET NULL")
    leg: int | None = Field(default=None, ge=1)
    visitor_id: str = Field(foreign_key="participant.id", ondelete="RESTRICT")
    visitor_country_code: str = Field(foreign_key="country.code", ondelete="RESTRICT")
    host_country_code: str = Field(foreign_key="country.code", ondelete="RESTRICT")
    city: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    kind: str | None = None
    summary: str | None = None
    # Of the city, where a gazetteer gives it (WGS 84 decimal degrees); null for several cities.
    latitude: float | None = None
    longitude: float | None = None


class VisitPublic(TimestampsPublic):
    """A visit in a list (compact: no embedded parts)."""

    id: str = Field(
        description="Stable id of the visit.", schema_extra={"examples": ["2023-06-raisi-cuba"]}
    )
    tour_id: str | None = Field(
        description="The multi-country trip it is a leg of, if any.",
        schema_extra={"examples": ["2023-06-raisi-latin-america"]},
    )
    leg: int | None = Field(
        description="Order of this visit within its tour.", schema_extra={"examples": [3]}
    )
    visitor: ParticipantRef = Field(description="Who visited.")
    visitor_country: CountryRef = Field(description="Country the visitor represents.")
    host_country: CountryRef = Field(description="Country visited.")
    city: str | None = Field(
        description="City or cities, as the source gives them.",
        schema_extra={"examples": ["Havana"]},
    )
    latitude: float | None = Field(
        description="Latitude of the city (WGS 84, decimal degrees), where a gazetteer gives "
        "it; null when there is no city or there are several.",
        schema_extra={"examples": [23.1136]},
    )
    longitude: float | None = Field(
        description="Longitude of the city (WGS 84, decimal degrees), where a gazetteer gives "
        "it; null when there is no city or there are several.",
        schema_extra={"examples": [-82.3666]},
    )
    start_date: date | None = Field(
        description="First day (ISO 8601); null when no source gives it.",
        schema_extra={"examples": ["2023-06-14"]},
    )
    end_date: date | None = Field(
        description="Last day (ISO 8601); null when no source gives it.",
        schema_extra={"examples": ["2023-06-15"]},
    )
    kind: str | None = Field(
        description="state, official, working, ... where a source says.",
        schema_extra={"examples": ["official"]},
    )
    summary: str | None = Field(
        description="What the visit was about, in brief.",
        schema_extra={"examples": ["Concluding leg of a three-nation tour of Latin America."]},
    )
    topics: list[TopicRef] = Field(description="Fields of cooperation on the agenda.")
    disputed: list[str] = disputed_field()
    source_ids: list[str] = source_ids_field()


class MeetingCited(MeetingPublic):
    """A meeting embedded in its visit, with its own citations."""

    codes: list[EventCodePublic] = codes_field()
    citations: list[CitationPublic] = Field(description="Where the meeting is reported.")


class VisitDetail(VisitPublic):
    """One visit with its meetings, agreements, participants, statements and citations."""

    codes: list[EventCodePublic] = codes_field()
    meetings: list[MeetingCited] = Field(description="Engagements, in date order.")
    agreements: list[AgreementDetail] = Field(description="What was signed or agreed.")
    participants: list[ParticipationPublic] = Field(
        description="Everyone who took part, in the visit or in one of its meetings."
    )
    statements: list[StatementPublic] = Field(description="What was said.")
    citations: list[CitationPublic] = Field(description="Where the visit itself is reported.")
    claims: dict[str, list[ClaimPublic]] = claims_field()


class TourLeg(SQLModel):
    """One leg of a tour, in order."""

    leg: int | None = Field(description="Position in the tour.", schema_extra={"examples": [3]})
    visit_id: str = Field(
        description="The visit.", schema_extra={"examples": ["2023-06-raisi-cuba"]}
    )
    host_country: CountryRef = Field(description="Country visited.")
    city: str | None = Field(description="City.", schema_extra={"examples": ["Havana"]})
    start_date: date | None = Field(
        description="First day, where known.", schema_extra={"examples": ["2023-06-14"]}
    )
    end_date: date | None = Field(
        description="Last day, where known.", schema_extra={"examples": ["2023-06-15"]}
    )
