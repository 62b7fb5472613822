"""Countries: the ISO 3166-1 list, keyed by the upper-case alpha-2 code."""

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from app.models.base import Timestamped, TimestampsPublic, claims_field, disputed_field
from app.models.claim import ClaimPublic


class CountryBase(SQLModel):
    """Fields a country shares between the table and the API."""

    code: str = Field(
        primary_key=True,
        min_length=2,
        max_length=2,
        description="ISO 3166-1 alpha-2 code, upper case.",
        schema_extra={"examples": ["CU"]},
    )
    alpha3: str = Field(
        unique=True,
        max_length=3,
        description="ISO 3166-1 alpha-3 code.",
        schema_extra={"examples": ["CUB"]},
    )
    name: str = Field(
        description="Short English name (ISO 3166-1).", schema_extra={"examples": ["Cuba"]}
    )


class Country(CountryBase, Timestamped, table=True):
    """A country of the ISO 3166-1 list."""

    __table_args__ = (
        Index(None, "updated_at"),
        Index(None, "name", "code"),
    )


class CountryRef(SQLModel):
    """A country as it appears inside other records."""

    code: str = Field(description="ISO 3166-1 alpha-2 code.", schema_extra={"examples": ["CU"]})
    name: str = Field(description="Short English name.", schema_extra={"examples": ["Cuba"]})


class CountryPublic(CountryBase, TimestampsPublic):
    """A country with how many visits it made and hosted."""

    visits_made: int = Field(
        description="Visits whose visitor came from this country.", schema_extra={"examples": [0]}
    )
    visits_hosted: int = Field(
        description="Visits this country hosted.", schema_extra={"examples": [1]}
    )
    disputed: list[str] = disputed_field()


class CountryDetail(CountryPublic):
    """One country with how many visits it made and hosted, and its claims."""

    claims: dict[str, list[ClaimPublic]] = claims_field()
