"""Claims: one source's version of one field of a record, kept beside the others.

When sources disagree, no version replaces another: each is a claim with its own citations.
A claim names its subject by type and id (any record type), the property (the subject's field
name), the value (JSON, of that field's type), a rank as Wikidata ranks statements, and
qualifiers for what the value alone cannot say ("more than twenty": value null, `at_least` 21).
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydanticField
from sqlalchemy import CheckConstraint, Column, Index
from sqlmodel import Field, SQLModel

from app.models.base import ID_MAX_LENGTH, JSONText, Timestamped, TimestampsPublic
from app.models.citation import CitationPublic

Rank = Literal["preferred", "normal", "deprecated"]
RANKS: tuple[Rank, ...] = ("preferred", "normal", "deprecated")

# The record types a claim may be about: every record the seed files describe.
SubjectType = Literal[
    "source",
    "topic",
    "participant",
    "tour",
    "visit",
    "meeting",
    "agreement",
    "participation",
    "statement",
]


class Qualifiers(BaseModel):
    """What qualifies a claimed value; every key is optional and the list is closed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at_least: int | None = PydanticField(
        default=None,
        ge=0,
        description="The true number is at least this (the value is then null): "
        '"more than twenty" is 21.',
        examples=[21],
    )
    includes: list[str] | None = PydanticField(
        default=None,
        min_length=1,
        description="Kinds of agreement the number also counts (six documents and memorandums "
        "together, where another source counts the memorandums apart).",
        examples=[["memorandum_of_understanding"]],
    )
    partial: bool | None = PydanticField(
        default=None,
        description='The source gives its list as examples ("including ..."), not in full.',
        examples=[True],
    )
    historian_country_id: str | None = PydanticField(
        default=None,
        description="The country id the Office of the Historian's data gives.",
        examples=["russia"],
    )
    historian_label: str | None = PydanticField(
        default=None,
        description="The country as the Office of the Historian's data labels it.",
        examples=["U.S.S.R."],
    )

    def as_json(self) -> dict[str, Any] | None:
        """The qualifiers given, as stored (None when there are none)."""
        given = self.model_dump(exclude_none=True)
        return given or None


class Claim(Timestamped, table=True):
    """One source's (or several agreeing sources') value for one field of one record."""

    __table_args__ = (
        CheckConstraint("rank IN ('preferred', 'normal', 'deprecated')", name="rank"),
        Index(None, "subject_type", "subject_id", "property"),
        Index(None, "property", "subject_type"),
        Index(None, "updated_at"),
    )

    id: str = Field(primary_key=True, max_length=ID_MAX_LENGTH)
    subject_type: str = Field(max_length=40)
    subject_id: str = Field(max_length=ID_MAX_LENGTH)
    property: str = Field(max_length=60)
    # JSON of the field's type; a JSON null where the source gives no exact value.
    value: Any = Field(sa_column=Column(JSONText(), nullable=False))
    rank: str = Field(default="normal", max_length=20)
    qualifiers: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSONText(none_as_null=True))
    )


class ClaimSubject(SQLModel):
    """The record a claim is about."""

    type: str = Field(
        description="Its record type: source, topic, participant, tour, visit, meeting, "
        "agreement, participation or statement.",
        schema_extra={"examples": ["agreement"]},
    )
    id: str = Field(
        description="Its id.",
        schema_extra={"examples": ["2023-06-15-iran-cuba-memorandum-of-understanding"]},
    )


class ClaimPublic(TimestampsPublic):
    """One source's version of one field of a record (`GET /v1/claims`, and `claims` in every
    record's detail)."""

    id: str = Field(
        description="Stable id of the claim (subject, property and a digest of what it states).",
        schema_extra={
            "examples": [
                "agreement:2023-06-15-iran-cuba-memorandum-of-understanding:count:1a2b3c4d5e"
            ]
        },
    )
    subject: ClaimSubject = Field(description="The record the claim is about.")
    property: str = Field(
        description="The subject's field the claim gives a value for.",
        schema_extra={"examples": ["count"]},
    )
    value: Any = Field(
        description="The claimed value, of the field's type; null where the source gives no "
        "exact value (its qualifiers say what it gives).",
        schema_extra={"examples": [2]},
    )
    rank: str = Field(
        description="preferred (the value to use), normal or deprecated (known to be wrong), "
        "as Wikidata ranks statements.",
        schema_extra={"examples": ["normal"]},
    )
    qualifiers: Qualifiers | None = Field(
        description="What the value alone cannot say; null when nothing qualifies it."
    )
    disputed: bool = Field(
        description="Whether the subject's property is disputed: two or more different "
        "values among its claims not deprecated, and none preferred.",
        schema_extra={"examples": [True]},
    )
    citations: list[CitationPublic] = Field(description="The sources that state it.")


def claimed(value: Any, qualifiers: Mapping[str, Any] | None) -> str:
    """What one claim states, as a comparable key: its value read with its qualifiers."""
    return json.dumps([value, dict(qualifiers or {})], sort_keys=True, ensure_ascii=False)


def claim_id(
    subject_type: str, subject_id: str, name: str, value: Any, qualifiers: Mapping[str, Any] | None
) -> str:
    """A stable id from what the claim states: the same statement twice is one claim."""
    digest = hashlib.sha256(claimed(value, qualifiers).encode()).hexdigest()[:10]
    return f"{subject_type}:{subject_id}:{name}:{digest}"


def disputed(claims: Iterable[Mapping[str, Any]]) -> list[str]:
    """The sorted properties with two or more different claimed values among claims not
    deprecated, and none preferred (each claim: `property`, `value`, `rank`, `qualifiers`)."""
    statements: dict[str, set[str]] = {}
    settled: set[str] = set()
    for claim in claims:
        if claim["rank"] == "deprecated":
            continue
        if claim["rank"] == "preferred":
            settled.add(claim["property"])
        statements.setdefault(claim["property"], set()).add(
            claimed(claim["value"], claim.get("qualifiers"))
        )
    return sorted(
        name for name, found in statements.items() if len(found) > 1 and name not in settled
    )
