"""Participants (people and named groups), their aliases, and their part in visits and meetings."""

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
from app.models.external_id import ExternalIdPublic


class Participant(Timestamped, table=True):
    """A person or a named group; `name` is null only when the source does not name them."""

    __table_args__ = (
        Index(None, "updated_at"),
        Index(None, "name", "id"),
        Index(None, "country_code", "name", "id"),
        Index(None, "kind", "name", "id"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    name: str | None = None
    kind: str = Field(default="person")
    country_code: str | None = Field(default=None, foreign_key="country.code", ondelete="RESTRICT")
    description: str | None = None
    wikidata_id: str | None = None


class ParticipantAlias(SQLModel, table=True):
    """Another spelling or transliteration of a participant's name."""

    __tablename__ = "participant_alias"

    participant_id: str = Field(foreign_key="participant.id", primary_key=True, ondelete="CASCADE")
    alias: str = Field(primary_key=True)
    # The address of the page the spelling was seen on, where the source gives one.
    page_url: str | None = None


class Participation(Timestamped, table=True):
    """A participant's part in a visit, or in one meeting of it, with the title held then."""

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    participant_id: str = Field(foreign_key="participant.id", index=True, ondelete="RESTRICT")
    visit_id: str = Field(foreign_key="visit.id", index=True, ondelete="CASCADE")
    meeting_id: str | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="CASCADE"
    )
    role: str
    title: str | None = None


class ParticipantRef(SQLModel):
    """A participant as it appears inside other records."""

    id: str = Field(
        description="Stable id of the participant.", schema_extra={"examples": ["ebrahim-raisi"]}
    )
    name: str | None = Field(
        description="Name as the sources give it; null when no source names them.",
        schema_extra={"examples": ["Ebrahim Raisi"]},
    )
    country: CountryRef | None = Field(description="Country the participant represents.")


class ParticipationPublic(SQLModel):
    """A participant's part in a visit or meeting: role and the title held at the time."""

    id: str = Field(
        description="Stable id of the participation.",
        schema_extra={"examples": ["havana-talks:ebrahim-raisi"]},
    )
    participant: ParticipantRef = Field(description="Who took part.")
    visit_id: str = Field(
        description="The visit.", schema_extra={"examples": ["2023-06-raisi-cuba"]}
    )
    meeting_id: str | None = Field(
        description="The meeting, when the part was in one meeting.",
        schema_extra={"examples": ["havana-talks"]},
    )
    role: str = Field(
        description="visitor, host, guest, attendee, signatory, witness, ...",
        schema_extra={"examples": ["guest"]},
    )
    title: str | None = Field(
        description="Title held at the time (as the source gives it).",
        schema_extra={"examples": ["President"]},
    )
    citations: list[CitationPublic] = Field(description="Where the part is reported.")
    disputed: list[str] = disputed_field()
    claims: dict[str, list[ClaimPublic]] = claims_field()


class ParticipantPublic(TimestampsPublic):
    """A participant in a list."""

    id: str = Field(
        description="Stable id of the participant.", schema_extra={"examples": ["ebrahim-raisi"]}
    )
    name: str | None = Field(
        description="Name as the sources give it; null when no source names them.",
        schema_extra={"examples": ["Ebrahim Raisi"]},
    )
    kind: str = Field(description="person or group.", schema_extra={"examples": ["person"]})
    aliases: list[str] = Field(
        description="Other spellings and transliterations.",
        schema_extra={"examples": [["Ebrahim Raeisi"]]},
    )
    country: CountryRef | None = Field(description="Country the participant represents.")
    description: str | None = Field(
        description="How the source describes an unnamed participant or a group.",
        schema_extra={"examples": [None]},
    )
    wikidata_id: str | None = Field(
        description="Wikidata item id, if known.", schema_extra={"examples": [None]}
    )
    disputed: list[str] = disputed_field()
    source_ids: list[str] = source_ids_field()


class ParticipantDetail(ParticipantPublic):
    """One participant with every part they took and what they signed."""

    participations: list[ParticipationPublic] = Field(
        description="Every visit and meeting they took part in, with role and title."
    )
    signed_agreement_ids: list[str] = Field(
        description="Agreements this participant signed.",
        schema_extra={"examples": [["havana-cooperation-documents"]]},
    )
    external_ids: list[ExternalIdPublic] = Field(
        description="Its ids in other registers, each as a source gives it."
    )
    claims: dict[str, list[ClaimPublic]] = claims_field()
