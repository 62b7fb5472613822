"""Statements: what someone said, in the source's own words."""

from sqlmodel import Field

from app.models.base import (
    ID_MAX_LENGTH,
    Timestamped,
    TimestampsPublic,
    claims_field,
    disputed_field,
)
from app.models.citation import CitationPublic, RecordRef
from app.models.claim import ClaimPublic
from app.models.participant import ParticipantRef


class Statement(Timestamped, table=True):
    """Something a participant said during a visit (or one meeting of it).

    `text` is always the source's words: a direct quote, or the source's own paraphrase.
    """

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    speaker_id: str = Field(foreign_key="participant.id", index=True, ondelete="RESTRICT")
    visit_id: str = Field(foreign_key="visit.id", index=True, ondelete="CASCADE")
    meeting_id: str | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="CASCADE"
    )
    text: str
    kind: str
    channel: str | None = None


class StatementFields(TimestampsPublic):
    """What every form of a statement shows: its speaker, words, citations and disputed
    properties."""

    id: str = Field(
        description="Stable id of the statement.",
        schema_extra={"examples": ["raisi-business-hope"]},
    )
    speaker: ParticipantRef = Field(description="Who said it.")
    visit_id: str = Field(
        description="Visit during which it was said.",
        schema_extra={"examples": ["2023-06-raisi-cuba"]},
    )
    meeting_id: str | None = Field(
        description="Meeting at which it was said, if any.",
        schema_extra={"examples": ["havana-business-meeting"]},
    )
    text: str = Field(
        description="The words, exactly as the source gives them.",
        schema_extra={
            "examples": [
                "I hope this meeting will help facilitate integration as well as an exchange of "
                "ideas and opinions."
            ]
        },
    )
    kind: str = Field(
        description="direct_quote (the source quotes the speaker) or paraphrase (the source "
        "reports the speaker's words in its own).",
        schema_extra={"examples": ["direct_quote"]},
    )
    channel: str | None = Field(
        description="Where it was said, when not in person (e.g. a Twitter post).",
        schema_extra={"examples": [None]},
    )
    citations: list[CitationPublic] = Field(description="Where it is reported.")
    disputed: list[str] = disputed_field()


class StatementPublic(StatementFields):
    """A statement with its speaker, citations and claims, as its visit or meeting shows it."""

    claims: dict[str, list[ClaimPublic]] = claims_field()


class StatementItem(StatementFields):
    """A statement as listed (`GET /v1/statements`): also the record it belongs to and the
    ids of the sources that report it."""

    record: RecordRef = Field(
        description="The record it was said at: its meeting, or its visit when it belongs "
        "to no meeting (type meeting or visit)."
    )
    source_ids: list[str] = Field(
        description='The ids of the sources that report it, sorted (in CSV, joined by "; ").',
        schema_extra={"examples": [["tdi-2023-06-16-raisi-havana"]]},
    )


class StatementDetail(StatementItem):
    """One statement (`GET /v1/statements/{statement_id}`): its list item with its claims."""

    claims: dict[str, list[ClaimPublic]] = claims_field()
