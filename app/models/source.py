"""Sources: the documents every fact is taken from."""

from datetime import date

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.base import (
    ID_MAX_LENGTH,
    Timestamped,
    TimestampsPublic,
    claims_field,
    disputed_field,
)
from app.models.claim import ClaimPublic


class SourceBase(SQLModel):
    """Fields a source shares between the table and the API."""

    id: str = Field(
        primary_key=True,
        max_length=ID_MAX_LENGTH,
        description="Stable id of the source.",
        schema_extra={"examples": ["tdi-2023-06-16-raisi-havana"]},
    )
    kind: str = Field(
        description="news_article, dataset, official_record, ...",
        schema_extra={"examples": ["news_article"]},
    )
    title: str = Field(
        description="Title of the document.",
        schema_extra={"examples": ["Iranian President Raisi concludes Latin America tour in Cuba"]},
    )
    publisher: str = Field(description="Who published it.", schema_extra={"examples": ["TDI"]})
    published_on: date | None = Field(
        default=None,
        description="Publication date (ISO 8601).",
        schema_extra={"examples": ["2023-06-16"]},
    )
    dateline: str | None = Field(
        default=None,
        description="Place the report was filed from.",
        schema_extra={"examples": ["Havana"]},
    )
    url: str | None = Field(
        default=None,
        description="Address of the document, where it has one.",
        schema_extra={"examples": [None]},
    )
    language: str = Field(description="BCP 47 language tag.", schema_extra={"examples": ["en"]})
    license: str | None = Field(
        default=None,
        description="Terms under which the text or data is held.",
        schema_extra={"examples": ["Quoted for citation"]},
    )


class Source(SourceBase, Timestamped, table=True):
    """A document facts come from; `text` is held in full where we may hold it."""

    __table_args__ = (
        Index(None, "updated_at"),
        Index(None, "published_on", "id"),
    )

    text: str | None = Field(default=None)


class SourcePublic(SourceBase, TimestampsPublic):
    """A source in a list: its metadata and how many citations point to it."""

    citation_count: int = Field(
        description="Citations that point to this source.", schema_extra={"examples": [42]}
    )
    disputed: list[str] = disputed_field()


class SourceDetail(SourcePublic):
    """One source with its full text where the project holds it."""

    text: str | None = Field(
        description="Full text, where held.",
        schema_extra={"examples": ["Havana, 16 June 2023 (TDI): ..."]},
    )
    claims: dict[str, list[ClaimPublic]] = claims_field()
