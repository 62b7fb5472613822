"""Citations: the link from one fact-bearing record to the words of a source that support it."""

from typing import Any, Literal

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from app.models.base import ID_MAX_LENGTH, Timestamped, TimestampsPublic

# The records a citation may support; exactly one of these columns is set on each citation.
CITED_COLUMNS = (
    "tour_id",
    "visit_id",
    "meeting_id",
    "agreement_id",
    "participation_id",
    "statement_id",
    "claim_id",
    "external_id_id",
    "event_code_id",
)


def _exactly_one_subject() -> str:
    # CASE keeps this portable: PostgreSQL does not add booleans.
    return " + ".join(f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in CITED_COLUMNS) + " = 1"


class Citation(Timestamped, table=True):
    """Exact words of a source (`quote`) or, where its text is not held, a restatement (`note`)."""

    __table_args__ = (
        CheckConstraint(_exactly_one_subject(), name="one_subject"),
        CheckConstraint("quote IS NOT NULL OR note IS NOT NULL", name="quote_or_note"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    source_id: str = Field(foreign_key="source.id", index=True, ondelete="RESTRICT")
    quote: str | None = None
    note: str | None = None
    tour_id: str | None = Field(default=None, foreign_key="tour.id", index=True, ondelete="CASCADE")
    visit_id: str | None = Field(
        default=None, foreign_key="visit.id", index=True, ondelete="CASCADE"
    )
    meeting_id: str | None = Field(
        default=None, foreign_key="meeting.id", index=True, ondelete="CASCADE"
    )
    agreement_id: str | None = Field(
        default=None, foreign_key="agreement.id", index=True, ondelete="CASCADE"
    )
    participation_id: str | None = Field(
        default=None, foreign_key="participation.id", index=True, ondelete="CASCADE"
    )
    statement_id: str | None = Field(
        default=None, foreign_key="statement.id", index=True, ondelete="CASCADE"
    )
    claim_id: str | None = Field(
        default=None, foreign_key="claim.id", index=True, ondelete="CASCADE"
    )
    external_id_id: str | None = Field(
        default=None, foreign_key="external_id.id", index=True, ondelete="CASCADE"
    )
    event_code_id: str | None = Field(
        default=None, foreign_key="event_code.id", index=True, ondelete="CASCADE"
    )


class SourceRef(SQLModel):
    """A source as it appears inside a citation."""

    id: str = Field(
        description="Stable id of the source.",
        schema_extra={"examples": ["tdi-2023-06-16-raisi-havana"]},
    )
    title: str = Field(
        description="Title of the document.", schema_extra={"examples": ["Raisi concludes tour"]}
    )
    publisher: str = Field(description="Who published it.", schema_extra={"examples": ["TDI"]})
    url: str | None = Field(
        description="Address of the document, if any.", schema_extra={"examples": [None]}
    )


# The fields a citation has wherever it appears: embedded in its record (CitationPublic) and
# listed (CitationItem), each in its own place in its model's order.
def _citation_id() -> Any:
    return Field(
        description="Stable id of the citation.",
        schema_extra={"examples": ["meeting:havana-talks:3f9a1c2e"]},
    )


def _source() -> Any:
    return Field(description="The document cited.")


def _quote() -> Any:
    return Field(
        description="The source's exact words (verbatim), where its text is held.",
        schema_extra={
            "examples": [
                "President Raisi met with his Cuban counterpart, Miguel Diaz-Canel, at the Palace "
                "of the Revolution in Havana on June 15."
            ]
        },
    )


def _note() -> Any:
    return Field(
        description="Restatement of what the source reports, where its text is not held.",
        schema_extra={"examples": [None]},
    )


class CitationPublic(SQLModel):
    """A citation as embedded in the record it supports."""

    id: str = _citation_id()
    source: SourceRef = _source()
    quote: str | None = _quote()
    note: str | None = _note()


# The record types a citation may support, as `record.type` and the `record_type` filter
# name them: each cited column without its `_id` (tests/api/test_citations.py holds them equal).
CitedType = Literal[
    "tour",
    "visit",
    "meeting",
    "agreement",
    "participation",
    "statement",
    "claim",
    "external_id",
    "event_code",
]
CitationKind = Literal["quote", "note"]


class RecordRef(SQLModel):
    """The record a citation or a statement belongs to, by type and id."""

    type: str = Field(
        description="Its record type (tour, visit, meeting, agreement, participation, "
        "statement, claim, external_id, event_code).",
        schema_extra={"examples": ["meeting"]},
    )
    id: str = Field(
        description="Its id.",
        schema_extra={"examples": ["2023-06-15-havana-raisi-diaz-canel-talks"]},
    )


class CitationItem(TimestampsPublic):
    """A citation as listed (`GET /v1/citations`): the record it supports, the source and
    the source's words."""

    id: str = _citation_id()
    record: RecordRef = Field(description="The record the citation supports.")
    source: SourceRef = _source()
    kind: str = Field(
        description="quote (the source's exact words are held) or note (a restatement of "
        "what the source reports).",
        schema_extra={"examples": ["quote"]},
    )
    quote: str | None = _quote()
    note: str | None = _note()
