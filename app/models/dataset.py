"""What `GET /v1` says about the dataset as a whole."""

from pydantic import BaseModel, Field


class SourceLicence(BaseModel):
    """A source of the dataset and the terms it is held under."""

    id: str = Field(description="Source id.", examples=["tdi-2023-06-16-raisi-havana"])
    title: str = Field(description="Title.", examples=["Cuba, Iran boost ties with new accords"])
    publisher: str = Field(description="Publisher.", examples=["EFE"])
    url: str | None = Field(description="Address, if any.", examples=[None])
    license: str | None = Field(
        description="Terms under which it is held.", examples=["Cited by address; text not held."]
    )
    citation_count: int = Field(description="Citations pointing to it.", examples=[40])


class DatasetInfo(BaseModel):
    """The dataset: its version, what it holds and where it comes from."""

    version: int = Field(
        description="Moves whenever any load changes the data; part of every ETag.",
        examples=[1],
    )
    changed_at: str | None = Field(
        description="When the data last changed (ISO 8601, UTC).",
        examples=["2026-11-28T07:00:00Z"],
    )
    counts: dict[str, int] = Field(
        description="Records per resource.", examples=[{"visits": 3, "meetings": 5}]
    )
    sources: list[SourceLicence] = Field(description="Every source, with its licence.")
    license: str = Field(
        description="Terms of the dataset itself.",
        examples=["Facts with citations; each source keeps its own terms (see sources)."],
    )
