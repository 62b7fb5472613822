"""External identifiers: a participant's id in another register, entered only where a source
gives it (Wikidata, VIAF, the Office of the Historian's people database)."""

from typing import Literal

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.models.base import ID_MAX_LENGTH, Timestamped
from app.models.citation import CitationPublic

Scheme = Literal["wikidata", "viaf", "history-state-gov-people"]

# The form each register's ids take: a value that does not match is refused, never repaired.
ID_PATTERNS: dict[str, str] = {
    "wikidata": r"^Q[1-9][0-9]*$",
    "viaf": r"^[1-9][0-9]*$",
    "history-state-gov-people": r"^[1-9][0-9]*$",
}


class ExternalId(Timestamped, table=True):
    """A participant's id in another register, with the citation that gives it."""

    __tablename__ = "external_id"
    __table_args__ = (
        UniqueConstraint("participant_id", "scheme", "value"),
        Index(None, "scheme", "value"),
        Index(None, "updated_at"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    participant_id: str = Field(foreign_key="participant.id", ondelete="CASCADE")
    scheme: str = Field(max_length=40)
    value: str = Field(max_length=100)


def external_id_id(participant_id: str, scheme: str, value: str) -> str:
    """`historian-person-100323:viaf:123`: the stable id of one external id."""
    return f"{participant_id}:{scheme}:{value}"


class ExternalIdPublic(SQLModel):
    """A participant's id in another register, with the sources that give it."""

    scheme: str = Field(
        description="wikidata, viaf or history-state-gov-people.",
        schema_extra={"examples": ["wikidata"]},
    )
    id: str = Field(description="The id in that register.", schema_extra={"examples": ["Q57336"]})
    citations: list[CitationPublic] = Field(description="The sources that give it.")
