"""Topics: fields of cooperation, and the link tables that tag records with them."""

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.base import ID_MAX_LENGTH, Timestamped, TimestampsPublic, disputed_field


class TopicBase(SQLModel):
    """Fields a topic shares between the table and the API."""

    id: str = Field(
        primary_key=True,
        max_length=ID_MAX_LENGTH,
        description="Stable id of the topic.",
        schema_extra={"examples": ["biotechnology"]},
    )
    name: str = Field(
        description="Name of the field.", schema_extra={"examples": ["biotechnology"]}
    )


class Topic(TopicBase, Timestamped, table=True):
    """A field of cooperation (biotechnology, energy, ...)."""

    __table_args__ = (
        Index(None, "updated_at"),
        Index(None, "name", "id"),
    )


class TopicRef(SQLModel):
    """A topic as it appears inside other records."""

    id: str = Field(
        description="Stable id of the topic.", schema_extra={"examples": ["biotechnology"]}
    )
    name: str = Field(
        description="Name of the field.", schema_extra={"examples": ["biotechnology"]}
    )


class TopicPublic(TopicBase, TimestampsPublic):
    """A topic with how many records carry it."""

    visit_count: int = Field(
        description="Visits tagged with this topic.", schema_extra={"examples": [1]}
    )
    meeting_count: int = Field(
        description="Meetings tagged with this topic.", schema_extra={"examples": [2]}
    )
    agreement_count: int = Field(
        description="Agreements tagged with this topic.", schema_extra={"examples": [2]}
    )
    disputed: list[str] = disputed_field()


class VisitTopic(SQLModel, table=True):
    """A topic of a visit."""

    __tablename__ = "visit_topic"

    visit_id: str = Field(foreign_key="visit.id", primary_key=True, ondelete="CASCADE")
    topic_id: str = Field(foreign_key="topic.id", primary_key=True, index=True, ondelete="RESTRICT")


class MeetingTopic(SQLModel, table=True):
    """A topic of a meeting."""

    __tablename__ = "meeting_topic"

    meeting_id: str = Field(foreign_key="meeting.id", primary_key=True, ondelete="CASCADE")
    topic_id: str = Field(foreign_key="topic.id", primary_key=True, index=True, ondelete="RESTRICT")


class AgreementTopic(SQLModel, table=True):
    """A topic of an agreement."""

    __tablename__ = "agreement_topic"

    agreement_id: str = Field(foreign_key="agreement.id", primary_key=True, ondelete="CASCADE")
    topic_id: str = Field(foreign_key="topic.id", primary_key=True, index=True, ondelete="RESTRICT")
