"""Tours: multi-country trips, each leg a visit."""

from datetime import date

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
from app.models.participant import ParticipantRef
from app.models.visit import TourLeg


class Tour(Timestamped, table=True):
    """A trip through several countries by one principal participant."""

    __table_args__ = (
        Index(None, "updated_at"),
        Index(None, "start_date", "id"),
        Index(None, "end_date", "id"),
        Index(None, "principal_id", "start_date", "id"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    name: str
    principal_id: str = Field(foreign_key="participant.id", ondelete="RESTRICT")
    start_date: date | None = None
    end_date: date | None = None
    summary: str | None = None


class TourPublic(TimestampsPublic):
    """A tour with its legs in order."""

    id: str = Field(
        description="Stable id of the tour.",
        schema_extra={"examples": ["2023-06-raisi-latin-america"]},
    )
    name: str = Field(
        description="Descriptive name.",
        schema_extra={"examples": ["Raisi's three-nation Latin America tour"]},
    )
    principal: ParticipantRef = Field(description="Who travelled.")
    start_date: date | None = Field(
        description="First day, where known.", schema_extra={"examples": ["2023-06-12"]}
    )
    end_date: date | None = Field(
        description="Last day, where known.", schema_extra={"examples": ["2023-06-15"]}
    )
    summary: str | None = Field(
        description="What the tour was for.", schema_extra={"examples": [None]}
    )
    legs: list[TourLeg] = Field(description="Its visits, in order.")
    disputed: list[str] = disputed_field()
    source_ids: list[str] = source_ids_field()


class TourDetail(TourPublic):
    """One tour with its citations."""

    citations: list[CitationPublic] = Field(description="Where the tour is reported.")
    claims: dict[str, list[ClaimPublic]] = claims_field()
