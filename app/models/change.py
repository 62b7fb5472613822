"""What changed and when: the data version behind ETags, and the feed of deleted records."""

from datetime import datetime

from sqlalchemy import DateTime, Index, Text, text
from sqlmodel import Field, SQLModel


class DataVersion(SQLModel, table=True):
    """One row: a number that moves whenever any load changes the data, and when it moved."""

    __tablename__ = "data_version"

    id: int = Field(default=1, primary_key=True)
    version: int = Field(default=0, nullable=False)
    changed_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)


class Deletion(SQLModel, table=True):
    """A record a load removed: its type, id, dataset and when (the deletions feed)."""

    __tablename__ = "deletion"
    __table_args__ = (Index(None, "deleted_at", "seq"),)

    seq: int | None = Field(default=None, primary_key=True)
    resource: str = Field(max_length=40)
    record_id: str = Field(max_length=200)
    dataset: str = Field(max_length=40)
    deleted_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)


class DeletionPublic(SQLModel):
    """A deleted record, as the deletions feed shows it."""

    id: str = Field(
        description="Id the record had.", schema_extra={"examples": ["2023-06-havana-cigb-visit"]}
    )
    resource: str = Field(
        description="visit, meeting, agreement, participant, tour, statement, source, topic, "
        "participation or citation.",
        schema_extra={"examples": ["meeting"]},
    )
    deleted_at: datetime = Field(
        description="When a load removed it (ISO 8601, UTC).",
        schema_extra={"examples": ["2026-11-28T07:00:00Z"]},
    )


class DatasetPart(SQLModel, table=True):
    """One part of a dataset loaded in parts (a file of the seed's `tours/`): the fingerprint
    of its bytes as last loaded and the ids of the records it gave, by table, so that a reload
    reads only the parts whose bytes changed (`app.parts`)."""

    __tablename__ = "dataset_part"
    __table_args__ = (
        # What a reload reads of every part, from the index alone: the records' JSON, stored
        # in the row before the stat, is not walked through (decision 0045).
        Index(None, "dataset", "part", "fingerprint", "stat"),
        # Partial: the few parts whose records name records of other parts.
        Index(
            "ix_dataset_part_referring",
            "dataset",
            "part",
            sqlite_where=text("refers <> '[]'"),
            postgresql_where=text("refers <> '[]'"),
        ),
    )

    dataset: str = Field(max_length=40, primary_key=True)
    part: str = Field(max_length=200, primary_key=True)
    fingerprint: str = Field(max_length=64)
    # The file's size, times and inode when last read, or None: a reload that finds the same
    # does not read the file (decision 0045).
    stat: str | None = Field(default=None, max_length=100)
    # JSON: {table: [record id, ...]}, ids sorted.
    records: str = Field(sa_type=Text)
    # JSON: what the part's records name in other parts, for the checks a reload does not
    # read the part again for: [[kind, id, record, field], ...].
    refers: str = Field(sa_type=Text)
    loaded_at: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)
