"""What every table shares: constraint naming, stable string ids and timestamps."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
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
