"""Event codes set on one record, replacing for one scheme what its kind gives (app/codes.py)."""

from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.base import ID_MAX_LENGTH, Timestamped


class EventCode(Timestamped, table=True):
    """A CAMEO or PLOVER code a source supports for one visit, meeting or agreement."""

    __tablename__ = "event_code"
    __table_args__ = (
        Index(None, "subject_type", "subject_id"),
        Index(None, "scheme", "code"),
        Index(None, "updated_at"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    subject_type: str = Field(max_length=40)
    subject_id: str = Field(max_length=ID_MAX_LENGTH)
    scheme: str = Field(max_length=20)
    code: str = Field(max_length=20)
    # PLOVER's mode (how: visit, phone, ...); CAMEO codes carry it in the code itself.
    mode: str | None = Field(default=None, max_length=40)


class EventCodePublic(SQLModel):
    """One event code of a visit, meeting or agreement."""

    scheme: str = Field(description="cameo or plover.", schema_extra={"examples": ["cameo"]})
    code: str = Field(
        description="CAMEO's code, or PLOVER's event type.", schema_extra={"examples": ["042"]}
    )
    label: str = Field(
        description="What the code means.", schema_extra={"examples": ["Make a visit"]}
    )
    mode: str | None = Field(
        description="PLOVER's mode (how: visit, phone, ...); null for CAMEO codes.",
        schema_extra={"examples": [None]},
    )


def codes_field() -> Any:
    """The `codes` field of visits, meetings and agreements."""
    return Field(
        description="Event codes (CAMEO, PLOVER), from the record's kind by one table, or "
        "as a source gives them. In details only: a list item is compact (its list takes "
        "`cameo=` and `plover=`).",
    )
