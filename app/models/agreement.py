"""Agreements: what was signed or agreed, with parties and signatories."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

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
from app.models.participant import ParticipationPublic
from app.models.topic import TopicRef


class Agreement(Timestamped, table=True):
    """Instruments signed or agreed; `count` says how many one record stands for."""

    __table_args__ = (
        Index(None, "updated_at"),
        Index(None, "signed_on", "id"),
        Index(None, "visit_id", "signed_on", "id"),
        Index(None, "kind", "signed_on", "id"),
        Index(None, "status", "signed_on", "id"),
        Index(None, "count", "id"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    visit_id: str = Field(foreign_key="visit.id", ondelete="CASCADE")
    meeting_id: str | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="CASCADE"
    )
    kind: str
    title: str | None = None
    # Null where the sources give no exact number (their claims say what they do give).
    count: int | None = Field(default=1, ge=1)
    status: str
    signed_on: date | None = None
    summary: str | None = None


class AgreementParty(SQLModel, table=True):
    """A country party to an agreement."""

    __tablename__ = "agreement_party"

    agreement_id: str = Field(foreign_key="agreement.id", primary_key=True, ondelete="CASCADE")
    country_code: str = Field(
        foreign_key="country.code", primary_key=True, index=True, ondelete="RESTRICT"
    )


class AgreementSignatory(SQLModel, table=True):
    """A participation (person, role, title) that signed an agreement."""

    __tablename__ = "agreement_signatory"

    agreement_id: str = Field(foreign_key="agreement.id", primary_key=True, ondelete="CASCADE")
    participation_id: str = Field(
        foreign_key="participation.id", primary_key=True, index=True, ondelete="CASCADE"
    )


class AgreementPublic(TimestampsPublic):
    """An agreement in a list."""

    id: str = Field(
        description="Stable id of the agreement.",
        schema_extra={"examples": ["havana-cooperation-documents"]},
    )
    visit_id: str = Field(
        description="The visit it belongs to.", schema_extra={"examples": ["2023-06-raisi-cuba"]}
    )
    meeting_id: str | None = Field(
        description="The meeting where it was signed or agreed.",
        schema_extra={"examples": ["havana-signing-ceremony"]},
    )
    kind: str = Field(
        description="cooperation_document, memorandum_of_understanding, joint_commission, ...",
        schema_extra={"examples": ["cooperation_document"]},
    )
    title: str | None = Field(
        description="Title, where a source names it; null otherwise.",
        schema_extra={"examples": [None]},
    )
    count: int | None = Field(
        description="How many instruments this record stands for when a source gives only a "
        'number; null when the sources give no exact number ("more than twenty").',
        schema_extra={"examples": [6]},
    )
    status: str = Field(description="signed or agreed.", schema_extra={"examples": ["signed"]})
    signed_on: date | None = Field(
        description="Date signed (ISO 8601), where known.",
        schema_extra={"examples": ["2023-06-15"]},
    )
    summary: str | None = Field(
        description="What it covers, in brief.", schema_extra={"examples": [None]}
    )
    parties: list[CountryRef] = Field(description="Countries party to it.")
    topics: list[TopicRef] = Field(description="Fields of cooperation it covers.")
    disputed: list[str] = disputed_field()
    source_ids: list[str] = source_ids_field()


class AgreementDetail(AgreementPublic):
    """One agreement with its signatories and citations."""

    codes: list[EventCodePublic] = codes_field()
    signatories: list[ParticipationPublic] = Field(
        description="Who signed, with the title held at the time."
    )
    citations: list[CitationPublic] = Field(description="Where it is reported.")
    claims: dict[str, list[ClaimPublic]] = claims_field()
