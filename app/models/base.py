"""What every table shares: constraint naming, stable string ids and timestamps."""

import json
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect, Text, TypeDecorator
from sqlmodel import Field, SQLModel

# Explicit names make migrations reproducible and let batch mode on SQLite alter constraints.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID_MAX_LENGTH = 200


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class Timestamped(SQLModel):
    """Which load owns a record, and when it was stored and last changed.

    `dataset` names the loader that wrote the record (`seed`, `historian`, `iso-3166`): a
    re-load replaces and deletes only its own records. `created_at` is set once;
    `updated_at` moves only when the record's content changes.
    """

    dataset: str = Field(max_length=40, nullable=False)

    created_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTime(timezone=True), nullable=False
    )
    updated_at: datetime = Field(
        default_factory=utc_now, sa_type=DateTime(timezone=True), nullable=False
    )
    # A hash of the record's content and link rows as the loader last wrote them
    # (`app.store.fingerprint`): a reload compares it alone to find what changed. Null:
    # compare the row in full. Whatever changes a record outside the loader sets it null.
    fingerprint: int | None = Field(default=None, sa_type=BigInteger)


class TimestampsPublic(SQLModel):
    """Record timestamps as the API shows them (ISO 8601, UTC)."""

    created_at: datetime = Field(
        description="When the record was first stored (ISO 8601, UTC).",
        schema_extra={"examples": ["2026-11-28T07:00:00Z"]},
    )
    updated_at: datetime = Field(
        description="When the record's content last changed (ISO 8601, UTC).",
        schema_extra={"examples": ["2026-11-28T07:00:00Z"]},
    )


def disputed_field() -> Any:
    """The `disputed` field of every record (app/models/claim.py says when a property is
    disputed)."""
    return Field(
        description="The record's disputed properties, sorted: those with two or more "
        "different values among their claims not deprecated, and none preferred.",
        schema_extra={"examples": [["count"]]},
    )


def source_ids_field() -> Any:
    """The `source_ids` field of visits, meetings, agreements, participants and tours."""
    return Field(
        description="The ids of the sources cited for the record, sorted: its own citations' "
        "and its claims' (a participant's: those of its parts in visits and meetings and of "
        'its external ids). In CSV, one column with the ids joined by "; ".',
        schema_extra={
            "examples": [["efe-2023-06-16-cuba-iran-accords", "tdi-2023-06-16-raisi-havana"]]
        },
    )


def claims_field() -> Any:
    """The `claims` field of every record's detail."""
    return Field(
        description="Every source's version of the record's fields, by property (each "
        "claim with its rank, qualifiers and citations); empty when no source disagrees "
        "or adds to them.",
        schema_extra={"examples": [{}]},
    )


class JSONText(TypeDecorator[Any]):
    """JSON kept as canonical text (sorted keys) on every engine, so any reader gets a string
    to decode: a column SQLite sees declared as JSON has numeric affinity and would hand raw
    readers the number 1 but the text '"x"'. `none_as_null`: Python None is SQL NULL rather
    than the JSON null."""

    impl = Text
    cache_ok = True

    def __init__(self, none_as_null: bool = False) -> None:
        super().__init__()
        self.none_as_null = none_as_null

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        """Encode for storage."""
        if value is None and self.none_as_null:
            return None
        return json.dumps(value, ensure_ascii=False, sort_keys=True)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        """Decode what was stored."""
        return None if value is None else json.loads(value)
